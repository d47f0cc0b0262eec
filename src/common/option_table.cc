#include "common/option_table.h"

#include <type_traits>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"

namespace headliner {
namespace {

// An int or a double in [min, max].
template <typename T>
class NumberValue : public OptionValue {
 public:
  NumberValue(T& field, T min, T max) : field_(field), min_(min), max_(max) {}
  absl::Status Parse(absl::string_view text) override {
    bool parsed;
    if constexpr (std::is_same_v<T, int>) {
      parsed = absl::SimpleAtoi(text, &field_);
    } else {
      parsed = absl::SimpleAtod(text, &field_);
    }
    if (parsed) return absl::OkStatus();
    return absl::InvalidArgumentError(absl::StrCat(
        std::is_same_v<T, int> ? "not an integer" : "not a number", ": \"", text, "\""));
  }
  absl::Status Check() const override {
    if (field_ >= min_ && field_ <= max_) return absl::OkStatus();
    return absl::InvalidArgumentError(
        absl::StrCat("must be in [", min_, ", ", max_, "], got ", field_));
  }

 private:
  T& field_;
  const T min_, max_;
};

class BoolValue : public OptionValue {
 public:
  explicit BoolValue(bool& field) : field_(field) {}
  absl::Status Parse(absl::string_view text) override {
    const std::string t = absl::AsciiStrToLower(text);
    if (t == "true" || t == "yes" || t == "on" || t == "1") {
      field_ = true;
    } else if (t == "false" || t == "no" || t == "off" || t == "0") {
      field_ = false;
    } else {
      return absl::InvalidArgumentError(absl::StrCat("not true or false: \"", text, "\""));
    }
    return absl::OkStatus();
  }

 private:
  bool& field_;
};

class DurationValue : public OptionValue {
 public:
  DurationValue(absl::Duration& field, bool zero_allowed)
      : field_(field), zero_allowed_(zero_allowed) {}
  absl::Status Parse(absl::string_view text) override {
    if (absl::ParseDuration(text, &field_)) return absl::OkStatus();
    return absl::InvalidArgumentError(
        absl::StrCat("not a duration like \"24h\" or \"90s\": \"", text, "\""));
  }
  absl::Status Check() const override {
    if (field_ > absl::ZeroDuration() || (zero_allowed_ && field_ == absl::ZeroDuration())) {
      return absl::OkStatus();
    }
    return absl::InvalidArgumentError(
        absl::StrCat("must be a ", zero_allowed_ ? "non-negative" : "positive", " duration, got ",
                     absl::FormatDuration(field_)));
  }

 private:
  absl::Duration& field_;
  const bool zero_allowed_;
};

class StringValue : public OptionValue {
 public:
  StringValue(std::string& field, bool required) : field_(field), required_(required) {}
  absl::Status Parse(absl::string_view text) override {
    field_ = std::string(text);
    return absl::OkStatus();
  }
  absl::Status Check() const override {
    if (required_ && field_.empty()) return absl::InvalidArgumentError("must not be empty");
    return absl::OkStatus();
  }

 private:
  std::string& field_;
  const bool required_;
};

}  // namespace

OptionTable::Section OptionTable::In(absl::string_view section) {
  return Section(*this, std::string(section));
}

const Option* OptionTable::Find(absl::string_view key) const {
  for (const Option& o : options_) {
    if (o.key == key) return &o;
  }
  return nullptr;
}

bool OptionTable::IsSection(absl::string_view section) const {
  const std::string prefix = absl::StrCat(section, ".");
  for (const Option& o : options_) {
    if (absl::StartsWith(o.key, prefix)) return true;
  }
  return false;
}

absl::Status OptionTable::Validate() const {
  for (const Option& o : options_) {
    if (o.value == nullptr) continue;
    if (absl::Status s = o.value->Check(); !s.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(o.key, ": ", s.message()));
    }
  }
  for (const auto& rule : rules_) {
    if (absl::Status s = rule(); !s.ok()) return s;
  }
  return absl::OkStatus();
}

OptionTable::Section& OptionTable::Section::Add(absl::string_view key,
                                                std::unique_ptr<OptionValue> value) {
  Option o;
  o.key = prefix_.empty() ? std::string(key) : absl::StrCat(prefix_, ".", key);
  o.value = std::move(value);
  table_.options_.push_back(std::move(o));
  return *this;
}

OptionTable::Section& OptionTable::Section::Int(absl::string_view key, int& field, int min,
                                                int max) {
  return Add(key, std::make_unique<NumberValue<int>>(field, min, max));
}

OptionTable::Section& OptionTable::Section::Double(absl::string_view key, double& field, double min,
                                                   double max) {
  return Add(key, std::make_unique<NumberValue<double>>(field, min, max));
}

OptionTable::Section& OptionTable::Section::Bool(absl::string_view key, bool& field) {
  return Add(key, std::make_unique<BoolValue>(field));
}

OptionTable::Section& OptionTable::Section::Duration(absl::string_view key, absl::Duration& field) {
  return Add(key, std::make_unique<DurationValue>(field, /*zero_allowed=*/false));
}

OptionTable::Section& OptionTable::Section::DurationOrZero(absl::string_view key,
                                                           absl::Duration& field) {
  return Add(key, std::make_unique<DurationValue>(field, /*zero_allowed=*/true));
}

OptionTable::Section& OptionTable::Section::String(absl::string_view key, std::string& field,
                                                   bool required) {
  return Add(key, std::make_unique<StringValue>(field, required));
}

OptionTable::Section& OptionTable::Section::StringMap(absl::string_view key,
                                                      std::map<std::string, std::string>& field) {
  Add(key, nullptr);
  table_.options_.back().string_map = &field;
  return *this;
}

OptionTable::Section& OptionTable::Section::Env(absl::string_view variable) {
  table_.options_.back().env = std::string(variable);
  return *this;
}

}  // namespace headliner
