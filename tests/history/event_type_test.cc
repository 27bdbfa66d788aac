#include "harness/history/event_type.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "harness/history/event.h"

namespace harness::history {
namespace {

TEST(EventTypeTest, every_type_has_a_distinct_dotted_name_that_reads_back) {
  std::set<std::string_view> seen;
  for (int i = 0; i <= static_cast<int>(EventType::k_check_verdict); ++i) {
    const auto type = static_cast<EventType>(i);
    const std::string_view dotted = name(type);
    EXPECT_NE(dotted.find('.'), std::string_view::npos) << dotted;
    EXPECT_TRUE(seen.insert(dotted).second) << "duplicate " << dotted;
    EXPECT_EQ(event_type(dotted), type) << dotted;
  }
}

TEST(EventTypeTest, names_match_what_history_files_hold) {
  EXPECT_EQ(name(EventType::k_fault_start), "fault.start");
  EXPECT_EQ(name(EventType::k_health_probe_discarded), "health.probe_discarded");
  EXPECT_EQ(event_type("no.such"), std::nullopt);
  Event e;
  e.type = "service.ready";
  EXPECT_TRUE(is(e, EventType::k_service_ready));
  EXPECT_FALSE(is(e, EventType::k_service_started));
}

}  // namespace
}  // namespace harness::history
