#include "harness/driver/docker/raw_stream.h"

#include <cstdint>

namespace harness::driver::docker {

std::string demultiplex(std::string_view raw) {
  std::string out;
  std::size_t at = 0;
  while (at < raw.size()) {
    const bool header = raw.size() - at >= 8 && (raw[at] == 0 || raw[at] == 1 || raw[at] == 2) && raw[at + 1] == 0 &&
                        raw[at + 2] == 0 && raw[at + 3] == 0;
    if (!header) {
      out.append(raw.substr(at));
      break;
    }
    std::uint32_t size = 0;
    for (int i = 4; i < 8; ++i) size = (size << 8) | static_cast<unsigned char>(raw[at + i]);
    at += 8;
    out.append(raw.substr(at, size));
    at += size;
  }
  return out;
}

}  // namespace harness::driver::docker
