#include "harness/process/owner.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <charconv>
#include <fstream>

#include "harness/util/private_dir.h"

namespace harness::process {

namespace {
constexpr const char* k_record_name = ".celery-chaos-owner";
constexpr std::size_t k_boot_id_length = 36;  // a UUID: 8-4-4-4-12 hex digits

template <typename T>
bool parse_number(std::string_view text, T& out) {
  if (text.empty()) return false;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
  return error == std::errc{} && end == text.data() + text.size();
}

bool is_boot_id(std::string_view text) {
  if (text.size() != k_boot_id_length) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::optional<std::uint64_t> namespace_inode(const std::string& ns_path) {
  struct stat st {};
  if (::stat(ns_path.c_str(), &st) != 0) return std::nullopt;
  return static_cast<std::uint64_t>(st.st_ino);
}

std::string read_boot_id() {
  std::ifstream in("/proc/sys/kernel/random/boot_id");
  std::string id;
  std::getline(in, id);
  return is_boot_id(id) ? id : std::string{};
}

// Whether /proc is a /proc of this process's PID namespace: /proc/self then names this process by its own pid.
bool proc_shows_own_namespace() {
  char target[32] = {};
  const ssize_t got = ::readlink("/proc/self", target, sizeof target - 1);
  return got > 0 && std::string_view(target, static_cast<std::size_t>(got)) == std::to_string(::getpid());
}

std::optional<Place> read_this_place() {
  if (!proc_shows_own_namespace()) return std::nullopt;
  const auto ns = namespace_inode("/proc/self/ns/pid");
  std::string boot_id = read_boot_id();
  if (!ns || boot_id.empty()) return std::nullopt;
  return Place{*ns, std::move(boot_id)};
}
}  // namespace

std::string Owner::to_string() const {
  return std::to_string(pid) + ":" + std::to_string(start_time) + ":" + std::to_string(place.pid_namespace) + ":" +
         place.boot_id;
}

std::optional<Owner> Owner::parse(std::string_view mark) {
  std::string_view fields[4];
  for (int i = 0; i < 3; ++i) {
    const auto colon = mark.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    fields[i] = mark.substr(0, colon);
    mark.remove_prefix(colon + 1);
  }
  fields[3] = mark;
  Owner owner;
  if (!parse_number(fields[0], owner.pid) || owner.pid <= 0 || !parse_number(fields[1], owner.start_time) ||
      !parse_number(fields[2], owner.place.pid_namespace) || !is_boot_id(fields[3])) {
    return std::nullopt;
  }
  owner.place.boot_id = std::string(fields[3]);
  return owner;
}

std::optional<Place> this_place() {
  static const std::optional<Place> place = read_this_place();
  return place;
}

std::optional<Owner> this_owner() {
  const auto place = this_place();
  const auto stat = read_proc_stat(::getpid());
  if (!place || !stat) return std::nullopt;
  return Owner{::getpid(), stat->start_time, *place};
}

std::optional<std::uint64_t> pid_namespace_of(pid_t pid) {
  return namespace_inode("/proc/" + std::to_string(pid) + "/ns/pid");
}

OwnerVerdict judge_owner(std::string_view mark, const std::optional<Place>& here,
                         const std::function<std::optional<ProcStat>(pid_t)>& stat_of) {
  const auto owner = Owner::parse(mark);
  if (!owner) return {OwnerState::k_unprovable, "an old mark, without PID namespace and boot id"};
  if (!here) return {OwnerState::k_unprovable, "this harness cannot tell its own PID namespace from /proc"};
  if (owner->place.boot_id != here->boot_id) {
    return {OwnerState::k_unprovable, "another boot (" + owner->place.boot_id + ")"};
  }
  if (owner->place.pid_namespace != here->pid_namespace) {
    return {OwnerState::k_unprovable,
            "another PID namespace (pid:[" + std::to_string(owner->place.pid_namespace) + "])"};
  }
  const auto stat = stat_of(owner->pid);
  const bool alive = stat && !stat->dead() && stat->start_time == owner->start_time;
  return {alive ? OwnerState::k_alive : OwnerState::k_dead, {}};
}

void write_owner_record(const std::filesystem::path& folder, const std::optional<std::string>& owner_for_tests) {
  const auto self = this_owner();
  if (!owner_for_tests && !self) return;  // unprovable anyway: a folder without a record is never swept
  const std::string text = (owner_for_tests ? *owner_for_tests : self->to_string()) + "\n";
  const std::filesystem::path temporary = folder / (std::string(k_record_name) + ".tmp");
  const bool written = util::write_private_file(temporary, text).is_ok();
  if (!written || ::rename(temporary.c_str(), (folder / k_record_name).c_str()) != 0) ::unlink(temporary.c_str());
}

void remove_owner_record(const std::filesystem::path& folder) { ::unlink((folder / k_record_name).c_str()); }

std::optional<std::string> read_owner_record(const std::filesystem::path& folder) {
  const int fd = ::open((folder / k_record_name).c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::string text;
  char buffer[256];
  ssize_t got;
  while ((got = ::read(fd, buffer, sizeof buffer)) > 0 && text.size() < 4096) {
    text.append(buffer, static_cast<std::size_t>(got));
  }
  ::close(fd);
  if (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

}  // namespace harness::process
