// What every sample shares: where snapshots go, and a one-line summary of each snapshot
// read back from its file (so the demo shows what a snapshot holds, not what the
// program thinks it wrote).
#pragma once

#include <string>

namespace samples {

/// Parses `[--out PREFIX]` (default: ./<name>) and points the collector there.
void start(const char* name, int argc, char** argv);
/// Writes the next numbered snapshot, reads it back and prints a summary line.
std::string snapshot();

}  // namespace samples
