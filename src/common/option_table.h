// Declares configuration keys once. A layer binds each key of its options struct to the field
// that holds it (whose initializer is the default), with the key's YAML name, its environment
// variable if it has one, and its range; the loader (src/config) then reads YAML and the
// environment through the table and validates with it. There is no second list of names or
// ranges to keep in step.
//
//   void DeclareIndexOptions(IndexConfig& c, OptionTable& table) {
//     table.In("index").Int("hnsw_m", c.hnsw_m, 4, 128).Bool("quantize_main_segment", ...);
//   }
//
// Thread safety: none; a table is built, used and dropped by one thread at start-up.
#ifndef HEADLINER_COMMON_OPTION_TABLE_H_
#define HEADLINER_COMMON_OPTION_TABLE_H_

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace headliner {

// The value of one scalar key.
class OptionValue {
 public:
  virtual ~OptionValue() = default;
  // Sets the value from its text (a YAML scalar, an environment variable); the message says why
  // the text is not a value.
  virtual absl::Status Parse(absl::string_view text) = 0;
  // The key's own range check; the message says what is wrong (the table adds the key).
  virtual absl::Status Check() const { return absl::OkStatus(); }
};

// One declared key.
struct Option {
  std::string key;  // dotted path, e.g. "index.hnsw_m"
  // Environment variable that sets it, or empty. For a string map, a prefix: PREFIX_NAME=v sets
  // the entry "name" (lower-cased, '_' read as '.') to v.
  std::string env;
  std::unique_ptr<OptionValue> value;                        // scalars
  std::map<std::string, std::string>* string_map = nullptr;  // string maps
};

// The value named `name` in a table of (name, value) pairs, or nullopt: how the enums of the
// config are spelled.
template <typename E>
std::optional<E> FindByName(std::span<const std::pair<absl::string_view, E>> names,
                            absl::string_view name) {
  for (const auto& [n, value] : names) {
    if (n == name) return value;
  }
  return std::nullopt;
}

class OptionTable {
 public:
  class Section;

  // Declares keys under `section` ("ranking" gives "ranking.<key>"; "" the top level).
  Section In(absl::string_view section);

  // A check across keys, run after every key's own check. Its message must name the keys.
  void Rule(std::function<absl::Status()> rule) { rules_.push_back(std::move(rule)); }

  const std::vector<Option>& options() const { return options_; }
  // The option of `key`, or null.
  const Option* Find(absl::string_view key) const;
  // Whether some key lies under `section`.
  bool IsSection(absl::string_view section) const;

  // Every key's own check in declaration order, then every rule: the first failure, prefixed
  // with its key ("ranking.max_limit: must be in [1, 1000], got 0").
  absl::Status Validate() const;

 private:
  std::vector<Option> options_;
  std::vector<std::function<absl::Status()>> rules_;
};

class OptionTable::Section {
 public:
  Section& Int(absl::string_view key, int& field, int min, int max);
  Section& Double(absl::string_view key, double& field, double min, double max);
  Section& Bool(absl::string_view key, bool& field);
  // A duration written like "24h", "90s" or "1h30m"; it must be positive.
  Section& Duration(absl::string_view key, absl::Duration& field);
  // The same, where 0 is allowed too ("0s").
  Section& DurationOrZero(absl::string_view key, absl::Duration& field);
  Section& String(absl::string_view key, std::string& field, bool required = false);
  Section& StringMap(absl::string_view key, std::map<std::string, std::string>& field);
  // One of `names`, each spelled as given.
  template <typename E>
  Section& Enum(absl::string_view key, E& field,
                std::span<const std::pair<absl::string_view, E>> names);
  // The environment variable of the key declared last (a prefix for a string map).
  Section& Env(absl::string_view variable);

 private:
  friend class OptionTable;
  Section(OptionTable& table, std::string prefix) : table_(table), prefix_(std::move(prefix)) {}
  Section& Add(absl::string_view key, std::unique_ptr<OptionValue> value);

  OptionTable& table_;
  std::string prefix_;
};

template <typename E>
OptionTable::Section& OptionTable::Section::Enum(
    absl::string_view key, E& field, std::span<const std::pair<absl::string_view, E>> names) {
  class EnumValue : public OptionValue {
   public:
    EnumValue(E& field, std::span<const std::pair<absl::string_view, E>> names)
        : field_(field), names_(names.begin(), names.end()) {}
    absl::Status Parse(absl::string_view text) override {
      if (std::optional<E> value = FindByName<E>(names_, text)) {
        field_ = *value;
        return absl::OkStatus();
      }
      return absl::InvalidArgumentError(absl::StrCat(
          "must be one of ",
          absl::StrJoin(names_, ", ",
                        [](std::string* out, const auto& n) { absl::StrAppend(out, n.first); }),
          "; got \"", text, "\""));
    }

   private:
    E& field_;
    const std::vector<std::pair<absl::string_view, E>> names_;  // static names
  };
  return Add(key, std::make_unique<EnumValue>(field, names));
}

}  // namespace headliner

#endif  // HEADLINER_COMMON_OPTION_TABLE_H_
