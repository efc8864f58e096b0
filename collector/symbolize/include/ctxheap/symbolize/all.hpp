// Convenience header: the whole symbolizer.
#pragma once

#include "ctxheap/symbolize/frame.hpp"
#include "ctxheap/symbolize/mapping.hpp"
#include "ctxheap/symbolize/symbolizer.hpp"
