// The operator's map settings: the tile host becomes a CSP img-src source, so only plain URLs
// with a usable host pass; bad centres and zooms are refused at startup.
#include "channels/web/map_settings.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "core/http_server.h"

namespace mg {
namespace {

web::MapSettings make(const std::string& tiles, const std::string& center = "35.0,139.0",
                      int zoom = 15) {
  return web::map_settings(tiles, "© 地図", center, zoom);
}

TEST(MapSettings, DefaultIsOpenStreetMapWithItsAttributionLink) {
  auto m = web::map_settings(web::kDefaultMapTiles, web::kDefaultMapAttribution,
                             web::kDefaultMapCenter, 15);
  EXPECT_EQ(m.img_source, "https://tile.openstreetmap.org");
  EXPECT_EQ(m.attribution_url, "https://www.openstreetmap.org/copyright");
  auto j = m.to_json();
  EXPECT_EQ(j["tiles"], web::kDefaultMapTiles);
  EXPECT_EQ(j["center"], Json::array({35.6812, 139.7671}));
  EXPECT_EQ(j["zoom"], 15);
}

TEST(MapSettings, TileSourceForTheCsp) {
  EXPECT_EQ(make("https://{s}.tile.example.jp/{z}/{x}/{y}.png").img_source,
            "https://*.tile.example.jp");
  EXPECT_EQ(make("http://127.0.0.1:8081/tiles/{z}/{x}/{y}.png").img_source,
            "http://127.0.0.1:8081");
  EXPECT_EQ(make("https://cyberjapandata.gsi.go.jp/xyz/std/{z}/{x}/{y}.png").img_source,
            "https://cyberjapandata.gsi.go.jp");
  auto off = make("none");
  EXPECT_EQ(off.img_source, "");
  EXPECT_EQ(off.tiles, "");
  EXPECT_EQ(make("").tiles, "");
  EXPECT_EQ(make("https://a.example/{z}/{x}/{y}.png").attribution_url, "");
}

TEST(MapSettings, RefusesWhatCouldBreakTheHeader) {
  for (const char* bad :
       {"ftp://tiles.example/{z}/{x}/{y}.png", "javascript:alert(1)//{z}{x}{y}",
        "https://tiles.example/{z}/{x}.png", "https://tiles.example; script-src *; /{z}/{x}/{y}",
        "https://tiles.example/{z}/{x}/{y}.png 'unsafe-inline'",
        "https://tiles.example,evil.example/{z}/{x}/{y}", "https://{z}.example/{z}/{x}/{y}",
        "https://*/{z}/{x}/{y}", "https:///{z}/{x}/{y}", "https://tiles.example"})
    EXPECT_THROW(make(bad), std::invalid_argument) << bad;
  EXPECT_THROW(make("https://t.example/{z}/{x}/{y}", "95,139"), std::invalid_argument);
  EXPECT_THROW(make("https://t.example/{z}/{x}/{y}", "35"), std::invalid_argument);
  EXPECT_THROW(make("https://t.example/{z}/{x}/{y}", "35,abc"), std::invalid_argument);
  EXPECT_THROW(make("https://t.example/{z}/{x}/{y}", "35.0,139.0", 0), std::invalid_argument);
  EXPECT_THROW(make("https://t.example/{z}/{x}/{y}", "35.0,139.0", 20), std::invalid_argument);
}

TEST(MapSettings, PagesAllowTheTileHostForImagesOnly) {
  auto csp = http::content_security_policy("text/html", "https://*.tile.example.jp");
  EXPECT_NE(csp.find("img-src 'self' data: blob: https://*.tile.example.jp;"), std::string::npos);
  EXPECT_EQ(csp.find("tile.example.jp"), csp.rfind("tile.example.jp"));  // nowhere else
  EXPECT_NE(csp.find("connect-src 'self';"), std::string::npos);
  EXPECT_EQ(http::content_security_policy("application/json", "https://*.tile.example.jp"),
            "default-src 'none'; frame-ancestors 'none'");
  EXPECT_EQ(http::content_security_policy("text/html").find("tile"), std::string::npos);
}

}  // namespace
}  // namespace mg
