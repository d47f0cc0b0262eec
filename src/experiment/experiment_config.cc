#include "experiment/experiment_config.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <set>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "experiment/ranking_overrides.h"
#include "yaml-cpp/yaml.h"

namespace headliner {
namespace {

// Reads one YAML file, keeping where each error is: "<source>:<line>: <path>: <message>".
class Reader {
 public:
  explicit Reader(std::string source) : source_(std::move(source)) {}

  absl::Status Error(const YAML::Node& node, const std::string& path,
                     absl::string_view message) const {
    // A missing key's node has no place in the file.
    const int line = node.IsDefined() ? node.Mark().line : -1;  // 0-based
    return absl::InvalidArgumentError(
        line >= 0 ? absl::StrCat(source_, ":", line + 1, ": ", path, ": ", message)
                  : absl::StrCat(source_, ": ", path, ": ", message));
  }

  // Every key of `map` must be one of `known`.
  absl::Status OnlyKeys(const YAML::Node& map, const std::string& path,
                        std::initializer_list<absl::string_view> known) const {
    if (!map.IsMap()) return Error(map, path, "expected a mapping");
    for (const auto& item : map) {
      const std::string key = item.first.Scalar();
      if (std::find(known.begin(), known.end(), key) == known.end()) {
        return Error(item.first, Join(path, key), "unknown key");
      }
    }
    return absl::OkStatus();
  }

  absl::StatusOr<std::string> String(const YAML::Node& node, const std::string& path) const {
    if (!node.IsDefined()) return Error(node, path, "missing");
    if (!node.IsScalar() || node.Scalar().empty()) {
      return Error(node, path, "expected a non-empty string");
    }
    // Names are parts of stored keys (store/experiment_store.h) and of "experiment:variant".
    for (const char c : node.Scalar()) {
      if (static_cast<unsigned char>(c) < 0x20 || c == ':' || c == ',') {
        return Error(node, path, "must not contain control characters, ':' or ','");
      }
    }
    if (node.Scalar().size() > 128) return Error(node, path, "at most 128 bytes");
    return node.Scalar();
  }

  absl::StatusOr<double> Number(const YAML::Node& node, const std::string& path, double min,
                                double max) const {
    if (!node.IsDefined()) return Error(node, path, "missing");
    double v = 0;
    if (!node.IsScalar() || !absl::SimpleAtod(node.Scalar(), &v) || !std::isfinite(v)) {
      return Error(node, path, "expected a number");
    }
    if (v < min || v > max) {
      return Error(node, path, absl::StrCat("must be in [", min, ", ", max, "], got ", v));
    }
    return v;
  }

  static std::string Join(const std::string& path, absl::string_view key) {
    return path.empty() ? std::string(key) : absl::StrCat(path, ".", key);
  }

 private:
  const std::string source_;
};

absl::Status ParseVariant(const Reader& r, const YAML::Node& node, const std::string& path,
                          const RankingConfig& base, bool interleave, ExperimentVariant& out) {
  RETURN_IF_ERROR(r.OnlyKeys(node, path, {"name", "weight", "ranking"}));
  ASSIGN_OR_RETURN(out.name, r.String(node["name"], Reader::Join(path, "name")));
  if (out.name == kInterleavedVariant) {
    return r.Error(
        node["name"], Reader::Join(path, "name"),
        "\"interleaved\" names an interleaving experiment's mixed lists; choose another");
  }
  if (interleave) {
    // Every response of an interleaving experiment holds both variants' items.
    if (node["weight"]) {
      return r.Error(node["weight"], Reader::Join(path, "weight"),
                     "an interleaving experiment's variants take no weight");
    }
  } else {
    ASSIGN_OR_RETURN(out.weight, r.Number(node["weight"], Reader::Join(path, "weight"), 0, 1));
  }
  if (const YAML::Node ranking = node["ranking"]; ranking && !ranking.IsNull()) {
    const std::string at = Reader::Join(path, "ranking");
    if (!ranking.IsMap()) return r.Error(ranking, at, "expected a mapping of ranking keys");
    for (const auto& item : ranking) {
      const std::string key = item.first.Scalar();
      if (!item.second.IsScalar()) {
        return r.Error(item.second, Reader::Join(at, key), "expected a single value");
      }
      out.overrides[key] = item.second.Scalar();
      if (absl::StatusOr<RankingConfig> one =
              ApplyRankingOverrides(base, {{key, out.overrides[key]}});
          !one.ok()) {
        return r.Error(item.second, Reader::Join(at, key), one.status().message());
      }
    }
    absl::StatusOr<RankingConfig> merged = ApplyRankingOverrides(base, out.overrides);
    if (!merged.ok()) return r.Error(ranking, at, merged.status().message());
    out.ranking = *std::move(merged);
  } else {
    out.ranking = base;
  }
  return absl::OkStatus();
}

absl::Status ParseVariants(const Reader& r, const YAML::Node& node, const std::string& path,
                           const RankingConfig& base, Experiment& e) {
  if (!node || !node.IsSequence() || node.size() < 2) {
    return r.Error(node, path, "expected a list of at least two variants");
  }
  if (e.interleave && node.size() != 2) {
    return r.Error(node, path, "an interleaving experiment has exactly two variants");
  }
  double total = 0;
  std::set<std::string> names;
  for (size_t i = 0; i < node.size(); ++i) {
    const std::string at = absl::StrCat(path, "[", i, "]");
    ExperimentVariant v;
    RETURN_IF_ERROR(ParseVariant(r, node[i], at, base, e.interleave, v));
    if (!names.insert(v.name).second) {
      return r.Error(node[i], Reader::Join(at, "name"), absl::StrCat("\"", v.name, "\" twice"));
    }
    total += v.weight;
    e.variants.push_back(std::move(v));
  }
  // GrowthBook's tolerance; its SDKs fall back to equal weights outside it, this refuses.
  if (!e.interleave && (total < 0.99 || total > 1.01)) {
    return r.Error(node, path, absl::StrCat("weights must add up to 1, got ", total));
  }
  return absl::OkStatus();
}

absl::Status ParseExperiment(const Reader& r, const YAML::Node& node, const std::string& path,
                             const RankingConfig& base, Experiment& e) {
  RETURN_IF_ERROR(r.OnlyKeys(
      node, path,
      {"key", "seed", "type", "unit", "range", "coverage", "state", "control", "variants"}));
  ASSIGN_OR_RETURN(e.key, r.String(node["key"], Reader::Join(path, "key")));
  e.seed = e.key;
  if (node["seed"]) {
    ASSIGN_OR_RETURN(e.seed, r.String(node["seed"], Reader::Join(path, "seed")));
  }
  if (const YAML::Node type = node["type"]) {
    if (type.Scalar() != "ab" && type.Scalar() != "interleave") {
      return r.Error(type, Reader::Join(path, "type"),
                     absl::StrCat("must be ab or interleave; got \"", type.Scalar(), "\""));
    }
    e.interleave = type.Scalar() == "interleave";
  }
  ASSIGN_OR_RETURN(const std::string unit, r.String(node["unit"], Reader::Join(path, "unit")));
  if (unit != "user" && unit != "session") {
    return r.Error(node["unit"], Reader::Join(path, "unit"),
                   absl::StrCat("must be user or session; got \"", unit, "\""));
  }
  e.unit = unit == "user" ? ExperimentUnit::kUser : ExperimentUnit::kSession;
  if (const YAML::Node range = node["range"]) {
    const std::string at = Reader::Join(path, "range");
    if (!range.IsSequence() || range.size() != 2)
      return r.Error(range, at, "expected [start, end]");
    ASSIGN_OR_RETURN(e.range.first, r.Number(range[0], at, 0, 1));
    ASSIGN_OR_RETURN(e.range.second, r.Number(range[1], at, 0, 1));
    if (e.range.first >= e.range.second) return r.Error(range, at, "start must be below end");
  }
  if (node["coverage"]) {
    ASSIGN_OR_RETURN(e.coverage, r.Number(node["coverage"], Reader::Join(path, "coverage"), 0, 1));
  }
  if (const YAML::Node state = node["state"]) {
    if (state.Scalar() != "running" && state.Scalar() != "stopped") {
      return r.Error(state, Reader::Join(path, "state"),
                     absl::StrCat("must be running or stopped; got \"", state.Scalar(), "\""));
    }
    e.running = state.Scalar() == "running";
  }
  RETURN_IF_ERROR(ParseVariants(r, node["variants"], Reader::Join(path, "variants"), base, e));
  ASSIGN_OR_RETURN(const std::string control,
                   r.String(node["control"], Reader::Join(path, "control")));
  const auto it = std::find_if(e.variants.begin(), e.variants.end(),
                               [&](const ExperimentVariant& v) { return v.name == control; });
  if (it == e.variants.end()) {
    return r.Error(node["control"], Reader::Join(path, "control"),
                   absl::StrCat("\"", control, "\" is not one of the variants"));
  }
  e.control = static_cast<int>(it - e.variants.begin());
  return absl::OkStatus();
}

absl::Status ParseLayer(const Reader& r, const YAML::Node& node, const std::string& path,
                        const RankingConfig& base, std::set<std::string>& keys,
                        ExperimentLayer& layer) {
  RETURN_IF_ERROR(r.OnlyKeys(node, path, {"name", "salt", "experiments"}));
  ASSIGN_OR_RETURN(layer.name, r.String(node["name"], Reader::Join(path, "name")));
  layer.salt = layer.name;
  if (node["salt"]) {
    ASSIGN_OR_RETURN(layer.salt, r.String(node["salt"], Reader::Join(path, "salt")));
  }
  const YAML::Node experiments = node["experiments"];
  const std::string at = Reader::Join(path, "experiments");
  if (!experiments || !experiments.IsSequence()) {
    return r.Error(experiments, at, "expected a list of experiments");
  }
  for (size_t i = 0; i < experiments.size(); ++i) {
    const std::string item = absl::StrCat(at, "[", i, "]");
    Experiment e;
    RETURN_IF_ERROR(ParseExperiment(r, experiments[i], item, base, e));
    if (!keys.insert(e.key).second) {
      return r.Error(experiments[i]["key"], Reader::Join(item, "key"),
                     absl::StrCat("experiment \"", e.key, "\" is defined twice"));
    }
    for (const Experiment& other : layer.experiments) {
      // Ranges are of one hash: with two units a reader could fall in two experiments' ranges.
      if (e.unit != other.unit) {
        return r.Error(experiments[i], Reader::Join(item, "unit"),
                       absl::StrCat("differs from \"", other.key,
                                    "\"'s; the experiments of a "
                                    "layer split one unit's ids"));
      }
      if (e.range.first < other.range.second && other.range.first < e.range.second) {
        return r.Error(experiments[i], Reader::Join(item, "range"),
                       absl::StrCat("overlaps the range of \"", other.key, "\" in layer \"",
                                    layer.name, "\""));
      }
    }
    layer.experiments.push_back(std::move(e));
  }
  return absl::OkStatus();
}

// No ranking key may be overridden in two layers: a reader in both would get one silently.
absl::Status CheckLayersDoNotShareKeys(const Reader& r, const YAML::Node& layers,
                                       const ExperimentsConfig& config) {
  absl::flat_hash_map<std::string, size_t> layer_of_key;
  for (size_t l = 0; l < config.layers.size(); ++l) {
    for (const Experiment& e : config.layers[l].experiments) {
      for (const ExperimentVariant& v : e.variants) {
        for (const auto& [key, value] : v.overrides) {
          auto [it, inserted] = layer_of_key.try_emplace(key, l);
          if (!inserted && it->second != l) {
            return r.Error(layers[l], absl::StrCat("layers[", l, "]"),
                           absl::StrCat("ranking.", key, " is overridden in layer \"",
                                        config.layers[it->second].name, "\" and in layer \"",
                                        config.layers[l].name, "\"; a key belongs to one layer"));
          }
        }
      }
    }
  }
  return absl::OkStatus();
}

// A response interleaves two rankings, so a reader may be in one interleaving experiment at most:
// they all belong to one layer.
absl::Status CheckInterleavingInOneLayer(const Reader& r, const YAML::Node& layers,
                                         const ExperimentsConfig& config) {
  std::optional<size_t> first;
  for (size_t l = 0; l < config.layers.size(); ++l) {
    for (const Experiment& e : config.layers[l].experiments) {
      if (!e.interleave || first == l) continue;
      if (first) {
        return r.Error(layers[l], absl::StrCat("layers[", l, "]"),
                       absl::StrCat("interleaving experiment \"", e.key,
                                    "\" is in another layer than those of layer \"",
                                    config.layers[*first].name,
                                    "\"; a response interleaves two rankings at most, so "
                                    "interleaving experiments share one layer"));
      }
      first = l;
    }
  }
  return absl::OkStatus();
}

// A reader may be in one variant of every layer at once, so every combination must give a valid
// ranking (each alone was checked; together they could leave every candidate source off).
absl::Status CheckCombinations(const Reader& r, const YAML::Node& layers,
                               const ExperimentsConfig& config, const RankingConfig& base) {
  std::vector<std::map<std::string, std::string>> combined = {{}};
  std::vector<std::string> names = {""};
  for (const ExperimentLayer& layer : config.layers) {
    std::vector<std::map<std::string, std::string>> next;
    std::vector<std::string> next_names;
    for (size_t i = 0; i < combined.size(); ++i) {
      next.push_back(combined[i]);  // in none of the layer's experiments
      next_names.push_back(names[i]);
      for (const Experiment& e : layer.experiments) {
        for (const ExperimentVariant& v : e.variants) {
          if (v.overrides.empty()) continue;  // the same ranking as without it
          std::map<std::string, std::string> with = combined[i];
          with.insert(v.overrides.begin(), v.overrides.end());
          next.push_back(std::move(with));
          next_names.push_back(
              absl::StrCat(names[i], names[i].empty() ? "" : " with ", e.key, ":", v.name));
        }
      }
    }
    if (next.size() > kMaxRankingCombinations) {
      return r.Error(layers, "layers",
                     absl::StrCat("the layers' variants make more than ", kMaxRankingCombinations,
                                  " rankings; use fewer"));
    }
    combined = std::move(next);
    names = std::move(next_names);
  }
  for (size_t i = 0; i < combined.size(); ++i) {
    if (absl::StatusOr<RankingConfig> c = ApplyRankingOverrides(base, combined[i]); !c.ok()) {
      return r.Error(layers, "layers", absl::StrCat(names[i], " together: ", c.status().message()));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<ExperimentsConfig> Parse(const Reader& r, const YAML::Node& root,
                                        const RankingConfig& base) {
  ExperimentsConfig config;
  if (!root || root.IsNull()) return config;  // an empty file: no experiments
  RETURN_IF_ERROR(r.OnlyKeys(root, "top level", {"allow_forced_variant", "layers"}));
  if (const YAML::Node forced = root["allow_forced_variant"]) {
    if (forced.Scalar() != "true" && forced.Scalar() != "false") {
      return r.Error(forced, "allow_forced_variant", "expected true or false");
    }
    config.allow_forced_variant = forced.Scalar() == "true";
  }
  const YAML::Node layers = root["layers"];
  if (!layers || layers.IsNull()) return config;
  if (!layers.IsSequence()) return r.Error(layers, "layers", "expected a list of layers");
  std::set<std::string> names, keys;
  for (size_t i = 0; i < layers.size(); ++i) {
    const std::string at = absl::StrCat("layers[", i, "]");
    ExperimentLayer layer;
    RETURN_IF_ERROR(ParseLayer(r, layers[i], at, base, keys, layer));
    if (!names.insert(layer.name).second) {
      return r.Error(layers[i]["name"], Reader::Join(at, "name"),
                     absl::StrCat("layer \"", layer.name, "\" is defined twice"));
    }
    config.layers.push_back(std::move(layer));
  }
  RETURN_IF_ERROR(CheckLayersDoNotShareKeys(r, layers, config));
  RETURN_IF_ERROR(CheckInterleavingInOneLayer(r, layers, config));
  RETURN_IF_ERROR(CheckCombinations(r, layers, config, base));
  return config;
}

}  // namespace

absl::StatusOr<ExperimentsConfig> ParseExperimentsConfig(const std::string& yaml_text,
                                                         const std::string& source,
                                                         const RankingConfig& base) {
  const Reader reader(source);
  try {
    return Parse(reader, YAML::Load(yaml_text), base);
  } catch (const YAML::Exception& e) {
    // Syntax errors, and scalar conversions of malformed nodes: yaml-cpp reports the line.
    return absl::InvalidArgumentError(
        absl::StrCat(source, ":", e.mark.line + 1, ": not valid YAML: ", e.msg));
  }
}

}  // namespace headliner
