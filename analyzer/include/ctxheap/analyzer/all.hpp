// Everything of ctxheap::analyzer. See docs/analysis.md.
#pragma once

#include "ctxheap/analyzer/alloc_sites.hpp"
#include "ctxheap/analyzer/analysis.hpp"
#include "ctxheap/analyzer/diff.hpp"
#include "ctxheap/analyzer/findings.hpp"
#include "ctxheap/analyzer/golang.hpp"
#include "ctxheap/analyzer/load.hpp"
#include "ctxheap/analyzer/model.hpp"
#include "ctxheap/analyzer/profile_builder.hpp"
#include "ctxheap/analyzer/progress.hpp"
#include "ctxheap/analyzer/readers.hpp"
#include "ctxheap/analyzer/retention.hpp"
#include "ctxheap/analyzer/series.hpp"
#include "ctxheap/analyzer/shown_frames.hpp"
#include "ctxheap/analyzer/sites.hpp"
#include "ctxheap/analyzer/suspects.hpp"
#include "ctxheap/analyzer/text.hpp"
