#include "harness/check/task_ids.h"

#include <array>
#include <optional>

namespace harness::check {

namespace {
constexpr char k_hex_digits[] = "0123456789abcdef";

// 0..15 for '0'-'9' and 'a'-'f', 16 for anything else (uppercase too: it would not print back as written).
constexpr std::array<std::uint8_t, 256> make_nibbles() {
  std::array<std::uint8_t, 256> table{};
  for (auto& v : table) v = 16;
  for (int i = 0; i < 16; ++i) table[static_cast<unsigned char>(k_hex_digits[i])] = static_cast<std::uint8_t>(i);
  return table;
}
constexpr auto k_nibbles = make_nibbles();

// `count` hex digits from `text` appended to `value`; `bad` collects any non-digit (no early exit: branch-free).
inline void hex_run(const char* text, int count, std::uint64_t& value, std::uint8_t& bad) {
  for (int i = 0; i < count; ++i) {
    const std::uint8_t nibble = k_nibbles[static_cast<unsigned char>(text[i])];
    bad |= nibble;
    value = (value << 4) | (nibble & 0xF);
  }
}

// "8-4-4-4-12" lowercase hex, packed big-endian into 128 bits.
std::optional<TaskKey> parse_uuid(std::string_view id) {
  if (id.size() != 36 || id[8] != '-' || id[13] != '-' || id[18] != '-' || id[23] != '-') return std::nullopt;
  const char* p = id.data();
  std::uint64_t hi = 0, lo = 0;
  std::uint8_t bad = 0;
  hex_run(p, 8, hi, bad);
  hex_run(p + 9, 4, hi, bad);
  hex_run(p + 14, 4, hi, bad);
  hex_run(p + 19, 4, lo, bad);
  hex_run(p + 24, 12, lo, bad);
  if (bad & 0x10) return std::nullopt;
  return TaskKey{hi, lo};
}

void append_hex(std::string& out, std::uint64_t value, int from_nibble, int nibbles) {
  for (int i = from_nibble; i < from_nibble + nibbles; ++i) out += k_hex_digits[(value >> (60 - 4 * i)) & 0xF];
}
}  // namespace

std::uint32_t NameTable::index(std::string_view name) {
  if (auto it = m_index.find(name); it != m_index.end()) return it->second;
  const auto index = static_cast<std::uint32_t>(m_names.size());
  m_names.emplace_back(name);
  m_index.emplace(m_names.back(), index);
  return index;
}

std::uint32_t NameTable::find(std::string_view name) const {
  const auto it = m_index.find(name);
  return it == m_index.end() ? size() : it->second;
}

TaskKey TaskIds::key(std::string_view id) {
  // A uuid whose first half is the interned marker is interned too: keys never collide.
  if (auto uuid = parse_uuid(id); uuid && uuid->hi != k_interned) return *uuid;
  return TaskKey{k_interned, m_others.index(id)};
}

std::string TaskIds::text(TaskKey key) const {
  if (is_interned(key)) return m_others.name(static_cast<std::uint32_t>(key.lo));
  std::string out;
  out.reserve(36);
  append_hex(out, key.hi, 0, 8);
  out += '-';
  append_hex(out, key.hi, 8, 4);
  out += '-';
  append_hex(out, key.hi, 12, 4);
  out += '-';
  append_hex(out, key.lo, 0, 4);
  out += '-';
  append_hex(out, key.lo, 4, 12);
  return out;
}

}  // namespace harness::check
