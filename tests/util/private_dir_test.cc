#include "harness/util/private_dir.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace {
namespace fs = std::filesystem;
using harness::util::make_private_dir;
using harness::util::write_private_file;

mode_t mode_of(const fs::path& path) {
  struct stat st {};
  EXPECT_EQ(::lstat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

class PrivateDir : public testing::Test {
protected:
  fs::path root = fs::temp_directory_path() / ("private-dir-test-" + std::to_string(::getpid()) + "-" +
                                               testing::UnitTest::GetInstance()->current_test_info()->name());
  void SetUp() override { fs::create_directories(root); }
  void TearDown() override { fs::remove_all(root); }
};

TEST_F(PrivateDir, creates_the_folder_and_its_missing_parents_owner_only) {
  ASSERT_TRUE(make_private_dir(root / "a" / "b").is_ok());
  EXPECT_EQ(mode_of(root / "a"), 0700u);
  EXPECT_EQ(mode_of(root / "a" / "b"), 0700u);
}

TEST_F(PrivateDir, closes_an_existing_open_folder) {
  fs::create_directories(root / "open");
  fs::permissions(root / "open", fs::perms::all);
  ASSERT_TRUE(make_private_dir(root / "open").is_ok());
  EXPECT_EQ(mode_of(root / "open"), 0700u);
}

TEST_F(PrivateDir, gives_a_traverse_group_passage_but_not_listing) {
  ASSERT_TRUE(make_private_dir(root / "shared", ::getegid()).is_ok());
  EXPECT_EQ(mode_of(root / "shared"), 0710u);
}

TEST_F(PrivateDir, refuses_a_symbolic_link_and_leaves_its_target_alone) {
  fs::create_directories(root / "target");
  fs::permissions(root / "target", fs::perms::owner_all | fs::perms::group_all | fs::perms::others_read |
                                       fs::perms::others_exec);
  fs::create_directory_symlink(root / "target", root / "link");
  for (const auto& path : {root / "link", root / "link/"}) {
    const auto status = make_private_dir(path);
    ASSERT_FALSE(status.is_ok()) << path;
    EXPECT_EQ(status.message(), "cannot use the folder " + (root / "link").string() +
                                    ": it is a symbolic link (refused: it could point anywhere)");
  }
  EXPECT_EQ(mode_of(root / "target"), 0775u);
}

TEST_F(PrivateDir, refuses_a_file) {
  std::ofstream(root / "file") << "x";
  const auto status = make_private_dir(root / "file");
  ASSERT_FALSE(status.is_ok());
  EXPECT_EQ(status.message(), "cannot use the folder " + (root / "file").string() + ": it is not a folder");
}

TEST_F(PrivateDir, refuses_a_folder_owned_by_another_user) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to give a folder to another user";
  fs::create_directories(root / "theirs");
  ASSERT_EQ(::chown((root / "theirs").c_str(), 65534, 65534), 0);
  const auto status = make_private_dir(root / "theirs");
  ASSERT_FALSE(status.is_ok());
  EXPECT_EQ(status.message(), "cannot use the folder " + (root / "theirs").string() +
                                  ": it is owned by uid 65534, not by this user (uid 0)");
}

TEST_F(PrivateDir, writes_files_only_their_owner_can_read) {
  std::ofstream(root / "secret") << "old, and longer than the new content";
  fs::permissions(root / "secret", fs::perms::all);
  ASSERT_TRUE(write_private_file(root / "secret", "new").is_ok());
  EXPECT_EQ(mode_of(root / "secret"), 0600u);
  std::ifstream in(root / "secret");
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), "new");
}

TEST_F(PrivateDir, does_not_write_through_a_symbolic_link) {
  std::ofstream(root / "target") << "kept";
  fs::create_symlink(root / "target", root / "secret");
  EXPECT_FALSE(write_private_file(root / "secret", "new").is_ok());
  std::ifstream in(root / "target");
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), "kept");
}

}  // namespace
