#include "harness/driver/local/local_kinds.h"

#include <gtest/gtest.h>

#include "harness/scenario/service_kind.h"

namespace harness::driver::local {
namespace {

TEST(LocalKindsTest, every_service_kind_the_reader_accepts_has_a_local_factory) {
  ASSERT_FALSE(scenario::service_kinds().all().empty());
  for (const auto& kind : scenario::service_kinds().all()) {
    const LocalServiceKind* factory = local_service_kinds().find(kind.name);
    ASSERT_NE(factory, nullptr) << kind.name;
    EXPECT_NE(factory->create, nullptr) << kind.name;
  }
  EXPECT_EQ(local_service_kinds().names(), scenario::service_kinds().names());
}

}  // namespace
}  // namespace harness::driver::local
