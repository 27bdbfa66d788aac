#pragma once
// Docker's multiplexed raw stream (the output of a non-TTY exec or of /logs): frames of an 8-byte header
// [stream (1 stdout, 2 stderr), 0, 0, 0, size as a big-endian uint32] followed by `size` bytes.
#include <string>
#include <string_view>

namespace harness::driver::docker {

// The frames' payloads in order (stdout and stderr interleaved as written). A truncated last frame gives what it
// holds; bytes that do not start with a frame header are taken as they are (a TTY stream is not multiplexed).
std::string demultiplex(std::string_view raw);

}  // namespace harness::driver::docker
