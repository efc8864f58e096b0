// Text from a profile or a file name made safe to show on a terminal, in Markdown or in
// an error line: the one notation every output uses (docs/reliability.md, "Terminal
// safety"). Valid UTF-8 passes through, except:
//   a byte that is not part of valid UTF-8      \xNN      e.g. a raw 8-bit CSI: \x9B
//   a C0 control character or DEL               \xNN      e.g. ESC: \x1B, BEL: \x07
//                                                         (tab, line feed, carriage return
//                                                         become a space)
//   a C1 control, or a bidi or invisible        \u{NNNN}  e.g. U+009B: \u{009B},
//   format character                                      RIGHT-TO-LEFT OVERRIDE: \u{202E}
// The result is one line holding no character a terminal acts on and nothing that
// reorders or hides the text around it.
#pragma once

#include <string>
#include <string_view>

namespace ctxheap::report {

std::string visible_text(std::string_view text);

}  // namespace ctxheap::report
