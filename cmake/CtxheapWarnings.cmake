# ctxheap_warnings: an interface target every ctxheap target links for the project's
# warning set. Third-party headers are included as SYSTEM and stay quiet.
add_library(ctxheap_warnings INTERFACE)
# The options apply inside this build only: the installed libraries carry an empty
# ctxheap::warnings, so a program that links them keeps its own warning set.
target_compile_options(ctxheap_warnings INTERFACE
  $<BUILD_INTERFACE:-Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align
  -Woverloaded-virtual -Wnull-dereference -Wimplicit-fallthrough>)
if(CTXHEAP_WERROR)
  target_compile_options(ctxheap_warnings INTERFACE $<BUILD_INTERFACE:-Werror>)
endif()
