// Convenience header: the whole context runtime.
#pragma once

#include "ctxheap/context/clock.hpp"
#include "ctxheap/context/context.hpp"
#include "ctxheap/context/current.hpp"
#include "ctxheap/context/observer.hpp"
#include "ctxheap/context/types.hpp"
