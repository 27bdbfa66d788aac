#include "harness/driver/docker/raw_stream.h"

#include <gtest/gtest.h>

namespace harness::driver::docker {
namespace {

std::string frame(char stream, const std::string& payload) {
  std::string f{stream, 0, 0, 0};
  const auto n = static_cast<std::uint32_t>(payload.size());
  for (int shift = 24; shift >= 0; shift -= 8) f += static_cast<char>((n >> shift) & 0xff);
  return f + payload;
}

TEST(RawStream, joins_stdout_and_stderr_frames_in_order) {
  EXPECT_EQ(demultiplex(frame(1, "out\n") + frame(2, "err\n") + frame(1, "more")), "out\nerr\nmore");
}

TEST(RawStream, a_large_frame_and_an_empty_one) {
  const std::string big(70000, 'x');
  EXPECT_EQ(demultiplex(frame(1, big) + frame(2, "")), big);
}

TEST(RawStream, a_truncated_last_frame_gives_what_it_holds) {
  EXPECT_EQ(demultiplex(frame(1, "abc") + frame(2, "defgh").substr(0, 10)), "abcde");
}

TEST(RawStream, a_stream_that_is_not_multiplexed_is_taken_as_it_is) {
  EXPECT_EQ(demultiplex("plain text from a TTY\n"), "plain text from a TTY\n");
}

}  // namespace
}  // namespace harness::driver::docker
