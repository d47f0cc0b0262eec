// Which content encoder a data dir's vectors came from ("minilm/384", "hashed/256"; see
// encode/encoder_config.h, EncoderIdentity), kept in the meta column. Vectors of different
// encoders are not comparable, so a data dir is only ever opened with the encoder it was built
// with: a mismatch is an error at start, never a mixed index.
#ifndef HEADLINER_STORE_ENCODER_RECORD_H_
#define HEADLINER_STORE_ENCODER_RECORD_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "store/article_store.h"
#include "store/database.h"

namespace headliner {

// Checks `identity` against the record of `database`, and writes it when there is none yet (a
// new data dir). A data dir with articles but no record was built before the record existed, when
// the hashed encoder was the only one: it is taken to be hashed. FailedPrecondition naming both
// encoders and what to do on a mismatch.
absl::Status CheckEncoderRecord(Database& database, const ArticleStore& articles,
                                absl::string_view identity);

}  // namespace headliner

#endif  // HEADLINER_STORE_ENCODER_RECORD_H_
