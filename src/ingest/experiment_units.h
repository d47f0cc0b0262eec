// Whose id an experiment's exposures and clicks are counted by (proto ExperimentUnit): the
// session or the user id of the event that carries them.
#ifndef HEADLINER_INGEST_EXPERIMENT_UNITS_H_
#define HEADLINER_INGEST_EXPERIMENT_UNITS_H_

#include <string>

#include "headliner/v1/token.pb.h"

namespace headliner {

// The unit id of `experiment` for an event with these ids; empty when the event has none.
inline const std::string& UnitIdOf(const v1::ExperimentVariant& experiment,
                                   const std::string& user_id, const std::string& session_id) {
  return experiment.unit() == v1::EXPERIMENT_UNIT_USER ? user_id : session_id;
}

// Whether `experiment` is an interleaving experiment's (token.proto: variant "interleaved", with
// the team of each shown item).
inline bool IsInterleaved(const v1::ExperimentVariant& experiment) {
  return experiment.variant() == "interleaved" || experiment.teams_size() > 0;
}

}  // namespace headliner

#endif  // HEADLINER_INGEST_EXPERIMENT_UNITS_H_
