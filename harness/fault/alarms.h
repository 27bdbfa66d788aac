#pragma once
// The RabbitMQ resource alarm faults (alarms.cc): disk-alarm and memory-alarm.
#include <cstdint>
#include <optional>
#include <string>

namespace harness::fault {

// The disk free limit that raises the disk alarm: "1000GB", or twice the free space when the disk has 500 GB
// free or more (then in bytes), so the alarm is raised on any disk.
std::string disk_limit_for_alarm(std::optional<std::int64_t> disk_free_bytes);

}  // namespace harness::fault
