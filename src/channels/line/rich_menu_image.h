#pragma once
// Generated rich menu images (used when staff give none): a PNG of the menu's exact size (LINE
// rejects any other size) in one colour, with the tap areas outlined so residents can see where to
// tap. Self-contained (own deflate, CRC-32, Adler-32) because zlib is not linked into the build.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "core/json.h"

namespace mg::line {

struct Rgb {
  uint8_t r = 0, g = 0, b = 0;
};

// "#RRGGBB" -> colour; nullopt when malformed.
std::optional<Rgb> parse_rgb(const std::string& hex);

// Sides are clamped to 1..kMaxGeneratedSide and area bounds to the image, so the work is
// bounded whatever the JSON holds.
inline constexpr int kMaxGeneratedSide = 2500;

// A 1-bit palette PNG: background everywhere, `outline` on the border of each area's bounds
// (`areas` as in a LINE rich menu object; may be empty or null).
std::string generated_menu_png(int width, int height, Rgb background, Rgb outline,
                               const Json& areas = nullptr);

// Width and height from a PNG or JPEG header; nullopt when the bytes are neither.
std::optional<std::pair<int, int>> image_size(const std::string& bytes);
// "image/png", "image/jpeg" or "" from the magic bytes.
std::string image_content_type(const std::string& bytes);

uint32_t crc32(const std::string& bytes, uint32_t crc = 0);
uint32_t adler32(const std::string& bytes);
// zlib stream (RFC 1950) with one fixed-Huffman deflate block; matches only at distance 1 and
// `row_stride`, which is all a flat image with outlines needs to shrink ~100x.
std::string zlib_compress(const std::string& raw, size_t row_stride);

}  // namespace mg::line
