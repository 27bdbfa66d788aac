#include "harness/scenario/server_config.h"

#include <algorithm>
#include <cctype>
#include <regex>

namespace harness::scenario {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// Every "SERVICE" in `why` as the service's name.
std::string with_service(std::string_view why, const std::string& service) {
  std::string out(why);
  for (std::size_t at = out.find("SERVICE"); at != std::string::npos; at = out.find("SERVICE", at + service.size()))
    out.replace(at, 7, service);
  return out;
}

const ReservedSetting* reserved(const ServerConfigRules& rules, const std::string& key) {
  const std::string k = rules.case_insensitive ? lower(key) : key;
  for (const auto& r : rules.reserved)
    if (r.key.ends_with('.') ? k.starts_with(r.key) : k == r.key) return &r;
  return nullptr;
}

// The value as the server reads it; nullopt after reporting.
std::optional<std::string> read_value(YamlReader& reader, const MapEntry& setting, const ServerConfigRules& rules,
                                      const std::string& context) {
  if (!setting.value.IsScalar()) {
    reader.error(setting.location, context + " must be a string, a number or a boolean, got " +
                                       describe(setting.value));
    return std::nullopt;
  }
  const std::string& text = setting.value.Scalar();
  if (is_plain_scalar(setting.value)) {
    if (text == "true" || text == "True" || text == "TRUE") return std::string(rules.true_word);
    if (text == "false" || text == "False" || text == "FALSE") return std::string(rules.false_word);
  }
  // One line each: a line break would start another setting in rabbitmq.conf or redis.conf.
  if (std::any_of(text.begin(), text.end(), [](unsigned char c) { return c < 0x20 && c != '\t'; })) {
    reader.error(setting.location, context + " must be one line, got " + describe(setting.value));
    return std::nullopt;
  }
  return text;
}

}  // namespace

std::optional<std::map<std::string, std::string>> read_server_config(YamlReader& reader, const MapEntry& entry,
                                                                     const ServerConfigRules& rules,
                                                                     const std::string& service) {
  if (!entry.value.IsMap()) {
    reader.error(entry.location, "'config' must be a map of " + std::string(rules.what) + ", got " +
                                     describe(entry.value));
    return std::nullopt;
  }
  static const std::regex k_key("[A-Za-z0-9_][A-Za-z0-9_.-]*");
  std::map<std::string, std::string> settings;
  bool ok = true;
  const MapView map(reader, entry.value);
  for (const auto& setting : map.entries()) {
    const std::string context = "config key " + quote(setting.key) + " of service " + quote(service);
    if (!std::regex_match(setting.key, k_key)) {
      reader.error(setting.key_location, "invalid " + context + " (expected letters, digits, '_', '.' or '-')");
      ok = false;
    } else if (const ReservedSetting* r = reserved(rules, setting.key)) {
      reader.error(setting.key_location, context + " is set by the harness: " + with_service(r->why, service));
      ok = false;
    } else if (auto value = read_value(reader, setting, rules, context)) {
      settings[setting.key] = std::move(*value);
    } else {
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return settings;
}

bool has_setting(const std::map<std::string, std::string>& settings, std::string_view key, bool case_insensitive) {
  if (!case_insensitive) return settings.count(std::string(key)) > 0;
  return std::any_of(settings.begin(), settings.end(), [&](const auto& s) { return lower(s.first) == key; });
}

}  // namespace harness::scenario
