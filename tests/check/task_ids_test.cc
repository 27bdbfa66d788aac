// TaskKey packing: every id comes back exactly as written, and keys are equal exactly when ids are.
#include "harness/check/task_ids.h"

#include <gtest/gtest.h>

namespace harness::check {
namespace {

TEST(TaskIds, a_canonical_uuid_packs_into_its_128_bits) {
  TaskIds ids;
  const auto key = ids.key("c0a8f1e2-3b4d-4e5f-8a9b-0c1d2e3f4a5b");
  EXPECT_EQ(key.hi, 0xc0a8f1e23b4d4e5fULL);
  EXPECT_EQ(key.lo, 0x8a9b0c1d2e3f4a5bULL);
  EXPECT_FALSE(TaskIds::is_interned(key));
  EXPECT_EQ(ids.text(key), "c0a8f1e2-3b4d-4e5f-8a9b-0c1d2e3f4a5b");
  EXPECT_EQ(ids.interned(), 0u);
}

TEST(TaskIds, other_ids_are_interned_and_come_back_as_written) {
  TaskIds ids;
  const std::string others[] = {"job-1", "", "C0A8F1E2-3B4D-4E5F-8A9B-0C1D2E3F4A5B",  // uppercase: not canonical
                                "c0a8f1e2-3b4d-4e5f-8a9b-0c1d2e3f4a5",                  // one digit short
                                "c0a8f1e2-3b4d-4e5f-8a9b-0c1d2e3f4a5g", "c0a8f1e2+3b4d-4e5f-8a9b-0c1d2e3f4a5b"};
  for (const auto& id : others) {
    const auto key = ids.key(id);
    EXPECT_TRUE(TaskIds::is_interned(key)) << id;
    EXPECT_EQ(ids.text(key), id);
    EXPECT_EQ(ids.key(id), key) << "the same id, the same key";
  }
  EXPECT_EQ(ids.interned(), 6u);
  EXPECT_NE(ids.key("job-1"), ids.key("job-2"));
}

TEST(TaskIds, a_uuid_that_looks_like_an_interned_key_never_collides) {
  TaskIds ids;
  const auto job = ids.key("job-0");  // interned as index 0
  const std::string marker = "ffffffff-ffff-ffff-0000-000000000000";  // would pack to the same hi and lo 0
  const auto key = ids.key(marker);
  EXPECT_NE(key, job);
  EXPECT_EQ(ids.text(key), marker);
  EXPECT_EQ(ids.text(job), "job-0");
}

TEST(TaskIds, keys_order_uuids_as_their_text) {
  TaskIds ids;
  EXPECT_LT(ids.key("00000000-0000-4000-8000-000000000001"), ids.key("00000000-0000-4000-8000-000000000002"));
  EXPECT_LT(ids.key("0fffffff-ffff-4fff-bfff-ffffffffffff"), ids.key("10000000-0000-4000-8000-000000000000"));
  EXPECT_LT(ids.key("ffffffff-0000-4000-8000-000000000000"), ids.key("job-1")) << "interned ids sort last";
}

TEST(NameTable, each_distinct_name_gets_the_next_index) {
  NameTable names;
  EXPECT_EQ(names.index("worker-1@a"), 0u);
  EXPECT_EQ(names.index("worker-2@a"), 1u);
  EXPECT_EQ(names.index("worker-1@a"), 0u);
  EXPECT_EQ(names.size(), 2u);
  EXPECT_EQ(names.name(1), "worker-2@a");
  EXPECT_EQ(names.find("worker-2@a"), 1u);
  EXPECT_EQ(names.find("worker-3@a"), 2u) << "not found: size()";
  for (int i = 0; i < 1000; ++i) names.index("w" + std::to_string(i));  // grows without moving the names
  EXPECT_EQ(names.index("worker-2@a"), 1u);
  NameTable moved = std::move(names);
  EXPECT_EQ(moved.find("w999"), 1001u);
}

}  // namespace
}  // namespace harness::check
