#pragma once
// The map of the residents' location questions: the operator's tile server (--map-tiles), its
// attribution, and where the map opens. The tile host is the only outside origin the pages'
// Content-Security-Policy lets images come from.
#include <string>

#include "core/json.h"

namespace mg::web {

inline constexpr const char* kDefaultMapTiles = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";
inline constexpr const char* kDefaultMapAttribution = "© OpenStreetMap contributors";
inline constexpr const char* kDefaultMapCenter = "35.6812,139.7671";

struct MapSettings {
  std::string tiles;  // URL template with {z} {x} {y} (and optionally {s}); empty: no tiles
  std::string attribution;
  std::string attribution_url;  // OpenStreetMap's copyright page for the default attribution
  double lat = 0, lng = 0;
  int zoom = 15;
  std::string img_source;  // CSP source for the tiles ("https://*.tile.example.jp"), or empty

  Json to_json() const;  // {tiles, attribution, attribution_url?, center:[lat,lng], zoom}
};

// Checks the settings; throws std::invalid_argument naming the bad one. `tiles` "none" or ""
// turns tiles off (the map still works for placing the pin).
MapSettings map_settings(const std::string& tiles, const std::string& attribution,
                         const std::string& center, int zoom);

}  // namespace mg::web
