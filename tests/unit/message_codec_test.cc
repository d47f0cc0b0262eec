#include "kafka/message_codec.h"

#include "gtest/gtest.h"
#include "headliner/v1/article.pb.h"
#include "headliner/v1/click.pb.h"

namespace headliner {
namespace {

TEST(MessageCodecTest, AnUnknownContentTypeIsNotGuessed) {
  EXPECT_EQ(*ChooseFormat(std::nullopt, WireFormat::kJson), WireFormat::kJson);
  EXPECT_EQ(*ChooseFormat(std::string(), WireFormat::kProtobuf), WireFormat::kProtobuf);
  EXPECT_EQ(*ChooseFormat("application/json", WireFormat::kProtobuf), WireFormat::kJson);
  auto xml = ChooseFormat("text/xml", WireFormat::kProtobuf);
  EXPECT_EQ(xml.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(xml.status().message().find("text/xml"), absl::string_view::npos);
}

TEST(MessageCodecTest, ContentTypeSelectsTheFormat) {
  EXPECT_EQ(FormatOfContentType("application/json"), WireFormat::kJson);
  EXPECT_EQ(FormatOfContentType(" Application/JSON; charset=utf-8"), WireFormat::kJson);
  EXPECT_EQ(FormatOfContentType("application/x-protobuf"), WireFormat::kProtobuf);
  EXPECT_EQ(FormatOfContentType("application/protobuf"), WireFormat::kProtobuf);
  EXPECT_EQ(FormatOfContentType("text/plain"), std::nullopt);
  EXPECT_EQ(FormatOfContentType(""), std::nullopt);
}

TEST(MessageCodecTest, DecodesProtobufAndTheProtobufJsonMapping) {
  v1::ClickEvent click;
  click.set_event_id("e1");
  click.set_session_id("s1");
  click.set_article_id("a1");
  click.mutable_occurred_at()->set_seconds(1700000000);
  v1::ClickEvent decoded;
  ASSERT_TRUE(DecodeMessage(click.SerializeAsString(), WireFormat::kProtobuf, decoded).ok());
  EXPECT_EQ(decoded.SerializeAsString(), click.SerializeAsString());

  const std::string json =
      R"({"eventId":"e1","sessionId":"s1","articleId":"a1","occurredAt":"2023-11-14T22:13:20Z"})";
  ASSERT_TRUE(DecodeMessage(json, WireFormat::kJson, decoded).ok());
  EXPECT_EQ(decoded.SerializeAsString(), click.SerializeAsString());
  // Field names as in the .proto are accepted too.
  ASSERT_TRUE(DecodeMessage(R"({"event_id":"e1","session_id":"s1","article_id":"a1",
      "occurred_at":"2023-11-14T22:13:20Z"})",
                            WireFormat::kJson, decoded)
                  .ok());
  EXPECT_EQ(decoded.SerializeAsString(), click.SerializeAsString());
}

TEST(MessageCodecTest, RejectsGarbageAndUnknownJsonFields) {
  v1::Article article;
  absl::Status s = DecodeMessage("{not json", WireFormat::kJson, article);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  s = DecodeMessage(R"({"id":"a","headlin":"typo"})", WireFormat::kJson, article);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("headlin"), absl::string_view::npos) << s;
  s = DecodeMessage(std::string("\xff\xff\xff\xff", 4), WireFormat::kProtobuf, article);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace headliner
