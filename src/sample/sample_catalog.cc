#include "sample/sample_catalog.h"

#include <algorithm>
#include <array>
#include <random>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/string_view.h"

namespace headliner {
namespace {

// One kind of event: headline templates over {A}, {B} (entities) and {T} (a topic word).
struct EventKind {
  std::vector<absl::string_view> templates;
  std::vector<absl::string_view> topics;
};

struct Section {
  absl::string_view name;
  std::vector<absl::string_view> entities;
  std::vector<EventKind> events;
};

const std::vector<Section>& Sections() {
  static const auto* const kSections = new std::vector<Section>{
      {"world",
       {"Japan",     "Pakistan",    "India",   "Brazil", "Germany",   "France",
        "Kenya",     "Nigeria",     "Canada",  "Mexico", "Australia", "Indonesia",
        "Egypt",     "Turkey",      "Vietnam", "Chile",  "Norway",    "Poland",
        "Argentina", "South Korea", "Ghana",   "Peru",   "Spain",     "Thailand"},
       {{{"{A}, {B} agree on better {T} cooperation", "{A} and {B} sign {T} cooperation pact",
          "{A} pledges closer {T} ties with {B}", "Talks between {A} and {B} focus on {T} links",
          "{B} welcomes {A} offer of {T} partnership", "{A}-{B} {T} accord hailed as milestone",
          "Leaders of {A} and {B} meet to deepen {T} cooperation",
          "{A} to invest in {B} {T} projects under new deal"},
         {"industrial", "energy", "trade", "security", "climate", "maritime", "rail", "farming"}},
        {{"{A} votes in tight {T} election", "Polls open in {A} {T} election",
          "{A} opposition claims lead in {T} vote", "Turnout high as {A} holds {T} election",
          "{A} {T} election result delayed amid recount",
          "Observers praise conduct of {A} {T} polls"},
         {"presidential", "parliamentary", "regional", "municipal"}},
        {{"Floods force thousands from homes in {A}", "{A} {T} floods death toll rises",
          "Rescue teams reach flooded {T} towns in {A}", "{A} declares emergency after {T} floods",
          "Aid arrives as {A} {T} floodwaters recede"},
         {"northern", "southern", "coastal", "river"}}}},
      {"business",
       {"Toyota", "Siemens",  "Unilever",   "Nestle", "Boeing",    "Airbus",
        "Tata",   "Vodafone", "Shell",      "BP",     "Walmart",   "Heineken",
        "Maersk", "Ikea",     "Volkswagen", "Danone", "Rio Tinto", "Barclays",
        "HSBC",   "Nissan",   "Carrefour",  "Philips"},
       {{{"{A} profit beats forecasts as {T} sales rise",
          "{A} shares jump after strong {T} results", "{A} quarterly earnings lifted by {T} demand",
          "{A} raises outlook on robust {T} business", "Analysts upgrade {A} after {T} surprise",
          "{A} reports record {T} revenue"},
         {"European", "Asian", "online", "premium", "wholesale"}},
        {{"{A} agrees to buy {B} in {T} deal", "{A} in talks to acquire {B}",
          "{B} board backs {A} takeover bid", "Regulators review {A} bid for {B}",
          "{A} sweetens offer for {B} to win over {T} investors",
          "{B} shareholders weigh {A} {T} offer"},
         {"cash", "all-share", "billion-dollar", "landmark"}},
        {{"{A} to cut jobs in {T} restructuring", "{A} unveils {T} cost-cutting plan",
          "Unions protest {A} {T} job cuts", "{A} restructuring to hit {T} plants"},
         {"global", "European", "factory", "office"}}}},
      {"technology",
       {"Apple", "Google", "Microsoft", "Samsung", "Nvidia", "Intel", "Sony", "Huawei", "Amazon",
        "Meta", "Netflix", "Spotify", "Nokia", "Ericsson", "Tesla", "IBM"},
       {{{"{A} unveils new {T} at launch event", "{A} {T} goes on sale next month",
          "Hands-on with the new {A} {T}", "{A} bets on {T} to revive growth",
          "Reviewers praise battery life of new {A} {T}", "{A} {T} launch draws long queues"},
         {"smartphone", "tablet", "laptop", "headset", "smartwatch", "chip"}},
        {{"{A} fined over {T} privacy breach", "Regulators probe {A} {T} data practices",
          "{A} to change {T} policy after privacy ruling", "{A} faces lawsuit over {T} tracking"},
         {"location", "advertising", "messaging", "cloud"}},
        {{"{A} and {B} strike {T} partnership", "{A} teams up with {B} on {T}",
          "{B} to supply {T} to {A}", "{A}, {B} alliance targets {T} market"},
         {"cloud", "AI", "chip", "streaming", "satellite"}}}},
      {"sport",
       {"Arsenal", "Liverpool", "Barcelona", "Juventus", "Bayern Munich", "Real Madrid", "Ajax",
        "Celtic", "Benfica", "Porto", "Inter Milan", "Chelsea", "Napoli", "Lyon"},
       {{{"{A} beat {B} to reach {T} final", "{A} edge past {B} in {T} semi-final",
          "{B} knocked out of {T} by {A}", "Late goal sends {A} through against {B}",
          "{A} coach hails win over {B}", "{A} v {B}: {T} match report"},
         {"cup", "league", "European", "super cup"}},
        {{"{A} sign striker from {B} in {T} transfer", "{A} complete {T} move for {B} defender",
          "{B} accept {A} bid for midfielder", "{A} close to {T} deal for {B} forward"},
         {"record", "loan", "summer", "January"}}}},
      {"health",
       {"WHO", "NHS", "CDC", "Pfizer", "Novartis", "Roche", "Sanofi", "AstraZeneca", "Bayer",
        "Merck"},
       {{{"{A} approves new {T} drug", "{A} trial shows {T} treatment works",
          "New {T} therapy from {A} cuts risk, study finds", "{A} {T} drug wins regulatory backing",
          "Doctors welcome {A} {T} breakthrough"},
         {"diabetes", "cancer", "malaria", "migraine", "asthma", "obesity"}},
        {{"{A} warns of rising {T} cases", "{A} launches {T} vaccination drive",
          "{T} outbreak prompts {A} alert", "{A} urges vigilance as {T} spreads"},
         {"measles", "flu", "dengue", "cholera", "tuberculosis"}}}},
      {"entertainment",
       {"Beyonce", "Taylor Swift", "Tom Hanks", "Adele", "Rihanna", "Brad Pitt", "Meryl Streep",
        "Ed Sheeran", "Lady Gaga", "Leonardo DiCaprio", "Kanye West", "Emma Stone"},
       {{{"{A} announces {T} world tour", "{A} {T} tour dates revealed",
          "Fans queue for {A} {T} tour tickets", "{A} adds extra {T} shows after sell-out"},
         {"stadium", "farewell", "anniversary", "summer"}},
        {{"{A} to star in new {T} film", "{A} cast in {T} drama",
          "First look at {A} in upcoming {T} movie", "{A} {T} film tops box office"},
         {"spy", "war", "comedy", "musical", "space"}}}},
  };
  return *kSections;
}

std::string Fill(absl::string_view tmpl, absl::string_view a, absl::string_view b,
                 absl::string_view t) {
  return absl::StrReplaceAll(tmpl, {{"{A}", a}, {"{B}", b}, {"{T}", t}});
}

std::string Slug(absl::string_view headline) {
  std::string slug;
  for (char c : headline) {
    if (absl::ascii_isalnum(static_cast<unsigned char>(c))) {
      slug.push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
    } else if (!slug.empty() && slug.back() != '-') {
      slug.push_back('-');
    }
  }
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  return slug.substr(0, 60);
}

// Outlets rewrite wire headlines in small ways.
std::string Decorate(std::string headline, std::mt19937_64& rng) {
  static constexpr std::array<absl::string_view, 3> kPrefixes = {"UPDATE 1-", "WRAPUP-",
                                                                 "ANALYSIS-"};
  static constexpr std::array<absl::string_view, 4> kSuffixes = {" - report", " | Live updates",
                                                                 " (video)", " - sources"};
  const uint64_t r = rng() % 10;
  if (r == 0) return absl::StrCat(kPrefixes[rng() % kPrefixes.size()], headline);
  if (r == 1) return absl::StrCat(headline, kSuffixes[rng() % kSuffixes.size()]);
  return headline;
}

// A story's language. Drawn from its own generator so that adding languages left every headline
// and time of a seed unchanged (the next-click harness compares against earlier figures).
absl::string_view DrawLanguage(std::mt19937_64& rng) {
  const uint64_t r = rng() % 100;
  if (r < 70) return "en";
  if (r < 82) return "es";
  if (r < 92) return "de";
  return "fr";
}

}  // namespace

std::vector<SampleArticle> GenerateSampleCatalog(const SampleCatalogOptions& options) {
  std::mt19937_64 rng(options.seed);
  std::mt19937_64 language_rng(options.seed ^ 0x9e3779b97f4a7c15ULL);
  const auto& sections = Sections();
  std::vector<SampleArticle> out;
  out.reserve(options.articles);
  int story_number = 0;
  while (static_cast<int>(out.size()) < options.articles) {
    const Section& section = sections[rng() % sections.size()];
    const EventKind& event = section.events[rng() % section.events.size()];
    const absl::string_view a = section.entities[rng() % section.entities.size()];
    absl::string_view b = a;
    while (b == a) b = section.entities[rng() % section.entities.size()];
    const absl::string_view topic = event.topics[rng() % event.topics.size()];
    const std::string story = absl::StrCat("story-", story_number++);
    const absl::string_view language = DrawLanguage(language_rng);
    // A story breaks at some moment and is covered for up to a day after it.
    const absl::Duration breaks_at =
        absl::Seconds(static_cast<int64_t>(rng() % absl::ToInt64Seconds(options.span)));
    const int headlines = 3 + static_cast<int>(rng() % 10);
    for (int h = 0; h < headlines && static_cast<int>(out.size()) < options.articles; ++h) {
      const absl::string_view tmpl = event.templates[rng() % event.templates.size()];
      const std::string headline = Decorate(Fill(tmpl, a, b, topic), rng);
      const int n = static_cast<int>(out.size());
      SampleArticle s;
      s.story = story;
      v1::Article& article = s.article;
      article.set_id(absl::StrCat(options.id_prefix, n));
      article.set_headline(headline);
      article.set_url(
          absl::StrCat("https://news.example.com/", section.name, "/", Slug(headline), "-", n));
      article.set_section(std::string(section.name));
      article.set_language(std::string(language));
      const absl::Duration later = absl::Minutes(static_cast<int64_t>(rng() % (24 * 60)));
      const absl::Time published = options.newest - breaks_at + std::min(later, breaks_at);
      const int64_t micros = absl::ToUnixMicros(published);
      article.mutable_published_at()->set_seconds(micros / 1000000);
      article.mutable_published_at()->set_nanos(static_cast<int32_t>(micros % 1000000) * 1000);
      out.push_back(std::move(s));
    }
  }
  return out;
}

}  // namespace headliner
