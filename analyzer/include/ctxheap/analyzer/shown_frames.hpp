// How a stack is shown to a user: the one rule the CLI's text, the HTML and Markdown
// reports, the JSON call tree and the desktop app all follow.
//
// By default (Folded) a stack is shown without the frames of the standard library, the
// allocator, ctxheap's own runtime and the C or Go runtime (is_runtime_frame in sites.hpp),
// as pprof's drop_frames leaves malloc and operator new out of its graphs: a 4 KiB request
// body reads "main > handle_request > make_body", not sixteen frames of std::vector and
// std::allocator internals ending in tcmalloc::allocate_full_cpp_throw_oom. Template
// argument lists are shortened to "<…>", as heaptrack's "shorten templates" does.
// All shows every recorded frame with its full name.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ctxheap/analyzer/model.hpp"

namespace ctxheap::analyzer {

enum class FrameDetail : std::uint8_t {
  Folded,  ///< runtime frames left out, template arguments shortened (the default)
  All,     ///< every frame, full names
};

/// The frames of `frames` (innermost first) shown at `detail`, as indices into `frames`,
/// innermost first. Folded leaves out every runtime frame; when every frame is runtime it
/// keeps the one frame that names the site (site_frame), so no stack shows empty.
std::vector<std::uint32_t> shown_frames(const Profile& profile, std::span<const Frame> frames, FrameDetail detail);

/// The calls of `frames` (innermost first) as every call tree shows them: shown_frames,
/// where neighbouring frames that read as one function once shown (two instantiations of
/// one template, both shortened to `Pool<…>::grow`) are one call, kept once as its
/// outermost frame; a frame calling the same frame again is recursion and stays. Indices
/// into `frames`, innermost first. AllocationStacks and call_tree both follow it.
std::vector<std::uint32_t> shown_calls(const Profile& profile, std::span<const Frame> frames, FrameDetail detail);

/// How many frames of `frames` are left out at `detail`.
std::uint32_t folded_frame_count(const Profile& profile, std::span<const Frame> frames, FrameDetail detail);

/// "std::vector<…>::_M_realloc_insert<…>(…)"-style names: each outermost template
/// argument list becomes "<…>"; operator<, operator<<, operator<=> and operator-> stay.
std::string shorten_template_arguments(std::string_view function);

/// A function's name as shown at `detail` (shortened when Folded).
std::string shown_function(std::string_view function, FrameDetail detail);

/// What every output prints for a frame: its function as shown at `detail`, else
/// `module+0xoffset` for an unsymbolized frame, else its address.
std::string shown_frame_name(const Profile& profile, const Frame& frame, FrameDetail detail);

/// "libfoo.so+0x1a2b": an unsymbolized frame or site by its module's file name and offset.
std::string module_offset_name(std::string_view module, std::uint64_t offset);
/// 6699 -> "0x1a2b".
std::string hex_address(std::uint64_t value);

}  // namespace ctxheap::analyzer
