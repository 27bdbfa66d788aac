#pragma once
// Writing a report file so that a reader never sees half of it: CI may collect junit.xml while a killed or
// crashing harness was still writing it, and a truncated XML file fails the whole CI job's report parsing.
#include <filesystem>
#include <string_view>

#include "harness/util/status.h"

namespace harness::report {

// Creates the parent folders, writes `content` to "<path>.tmp" and renames it over `path`.
// k_infrastructure naming the path and the reason when any of that fails (the temporary file is removed).
util::Status write_report_file(const std::filesystem::path& path, std::string_view content);

}  // namespace harness::report
