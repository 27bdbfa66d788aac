#pragma once
// Task ids and names in compact form, for the delivery checker that holds millions of them.
//
// A Celery task id is a uuid4 string, 36 characters ("c0a8f1e2-3b4d-4e5f-8a9b-0c1d2e3f4a5b"): as a std::string that
// is 40+ bytes and a heap block. A TaskKey is 16 bytes: a canonical (lowercase, hyphenated) uuid is packed into its
// 128 bits; any other id ("job-1", an uppercase uuid, a uuid whose first half is all ones) is interned in its
// TaskIds and stands for its index there, so keys compare equal exactly when the ids do, and text() gives back the
// id as written. Keys of one TaskIds must not be mixed with another's (interned indexes differ).
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>

namespace harness::check {

// Interned strings: each distinct string gets the next index, from 0. Worker names, load names, error texts.
// Move-only: the index views the strings, which a move keeps in place and a copy would not.
class NameTable {
public:
  NameTable() = default;
  NameTable(const NameTable&) = delete;
  NameTable& operator=(const NameTable&) = delete;
  NameTable(NameTable&&) = default;
  NameTable& operator=(NameTable&&) = default;

  // The index of `name`, added when new.
  std::uint32_t index(std::string_view name);
  // The index of `name`, or size() when it is not in the table.
  std::uint32_t find(std::string_view name) const;
  const std::string& name(std::uint32_t index) const { return m_names[index]; }
  std::uint32_t size() const { return static_cast<std::uint32_t>(m_names.size()); }

private:
  std::deque<std::string> m_names;  // a deque: its elements never move, so m_index can view them
  std::unordered_map<std::string_view, std::uint32_t> m_index;
};

struct TaskKey {
  std::uint64_t hi = 0;
  std::uint64_t lo = 0;
  friend auto operator<=>(const TaskKey&, const TaskKey&) = default;
};

struct TaskKeyHash {
  std::size_t operator()(const TaskKey& key) const noexcept {
    return static_cast<std::size_t>(key.hi ^ (key.lo * 0x9E3779B97F4A7C15ULL));
  }
};

class TaskIds {
public:
  // The key of `id`; interns it when it is not a canonical uuid.
  TaskKey key(std::string_view id);
  // The id as it was given to key().
  std::string text(TaskKey key) const;
  // Whether the key stands for an interned (non-uuid) id; such keys sort after every uuid.
  static bool is_interned(TaskKey key) { return key.hi == k_interned; }
  // How many non-uuid ids are interned.
  std::uint32_t interned() const { return m_others.size(); }

private:
  static constexpr std::uint64_t k_interned = ~std::uint64_t{0};
  NameTable m_others;
};

}  // namespace harness::check
