#include "channels/web/map_settings.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <stdexcept>

namespace mg::web {

namespace {

bool host_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':';
}

// The CSP source of a tile URL template: scheme://host[:port], "{s}" (Leaflet's subdomains)
// as a wildcard. Anything that could break out of the header value is refused.
std::string tile_source(const std::string& tiles) {
  auto bad = [&](const std::string& why) {
    return std::invalid_argument("--map-tiles: " + why + " (e.g. " + kDefaultMapTiles + ")");
  };
  std::string scheme;
  if (tiles.rfind("https://", 0) == 0)
    scheme = "https://";
  else if (tiles.rfind("http://", 0) == 0)
    scheme = "http://";
  else
    throw bad("must start with https:// or http://");
  if (tiles.size() > 500) throw bad("is longer than 500 characters");
  for (char c : tiles)
    if (static_cast<unsigned char>(c) <= ' ' || c == ';' || c == ',' || c == '\'' || c == '"' ||
        c == '\\' || static_cast<unsigned char>(c) >= 0x7f)
      throw bad("must be a plain URL without spaces, quotes, ';' or ','");
  for (const char* p : {"{z}", "{x}", "{y}"})
    if (tiles.find(p) == std::string::npos) throw bad(std::string("needs ") + p);
  size_t host_begin = scheme.size();
  size_t host_end = tiles.find('/', host_begin);
  if (host_end == std::string::npos) throw bad("needs a path");
  std::string host = tiles.substr(host_begin, host_end - host_begin);
  if (host.rfind("{s}.", 0) == 0) host = "*" + host.substr(3);
  std::string plain = host.rfind("*.", 0) == 0 ? host.substr(2) : host;
  if (plain.empty() || plain.front() == '.' || plain.front() == ':' ||
      !std::all_of(plain.begin(), plain.end(), host_char))
    throw bad("has an unusable host name");
  return scheme + host;
}

}  // namespace

Json MapSettings::to_json() const {
  Json j{{"tiles", tiles},
         {"attribution", attribution},
         {"center", Json::array({lat, lng})},
         {"zoom", zoom}};
  if (!attribution_url.empty()) j["attribution_url"] = attribution_url;
  return j;
}

MapSettings map_settings(const std::string& tiles, const std::string& attribution,
                         const std::string& center, int zoom) {
  MapSettings m;
  if (!tiles.empty() && tiles != "none") {
    m.img_source = tile_source(tiles);
    m.tiles = tiles;
  }
  m.attribution = attribution;
  if (attribution.size() > 300) throw std::invalid_argument("--map-attribution is too long");
  if (attribution == kDefaultMapAttribution && m.tiles == kDefaultMapTiles)
    m.attribution_url = "https://www.openstreetmap.org/copyright";
  size_t comma = center.find(',');
  char* end = nullptr;
  bool ok = comma != std::string::npos;
  if (ok) {
    std::string a = center.substr(0, comma), b = center.substr(comma + 1);
    m.lat = std::strtod(a.c_str(), &end);
    ok = !a.empty() && *end == '\0';
    m.lng = std::strtod(b.c_str(), &end);
    ok = ok && !b.empty() && *end == '\0';
  }
  if (!ok || !std::isfinite(m.lat) || !std::isfinite(m.lng) || std::abs(m.lat) > 90 ||
      std::abs(m.lng) > 180)
    throw std::invalid_argument("--map-center must be LATITUDE,LONGITUDE (e.g. " +
                                std::string(kDefaultMapCenter) + ")");
  if (zoom < 1 || zoom > 19) throw std::invalid_argument("--map-zoom must be 1 to 19");
  m.zoom = zoom;
  return m;
}

}  // namespace mg::web
