// Convenience header: the whole snapshot format module.
#pragma once

#include "ctxheap/format/byte_stream.hpp"
#include "ctxheap/format/error.hpp"
#include "ctxheap/format/reader.hpp"
#include "ctxheap/format/schema.hpp"
#include "ctxheap/format/snapshot.hpp"
#include "ctxheap/format/string_interner.hpp"
#include "ctxheap/format/writer.hpp"
