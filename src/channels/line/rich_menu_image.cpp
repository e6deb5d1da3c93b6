#include "channels/line/rich_menu_image.h"

#include <algorithm>
#include <array>

namespace mg::line {

namespace {

class BitWriter {
 public:
  // Deflate packs values least-significant bit first ...
  void bits(uint32_t value, int count) {
    for (int i = 0; i < count; ++i) put((value >> i) & 1u);
  }
  // ... but Huffman codes most-significant bit first.
  void code(uint32_t code, int length) {
    for (int i = length - 1; i >= 0; --i) put((code >> i) & 1u);
  }
  std::string finish() {
    if (used_) out_.push_back(static_cast<char>(cur_));
    return std::move(out_);
  }

 private:
  void put(uint32_t bit) {
    cur_ |= static_cast<uint8_t>(bit << used_);
    if (++used_ == 8) {
      out_.push_back(static_cast<char>(cur_));
      cur_ = 0;
      used_ = 0;
    }
  }
  std::string out_;
  uint8_t cur_ = 0;
  int used_ = 0;
};

// Fixed literal/length code (RFC 1951 3.2.6).
void literal_length(BitWriter& w, int sym) {
  if (sym < 144)
    w.code(0x30 + sym, 8);
  else if (sym < 256)
    w.code(0x190 + (sym - 144), 9);
  else if (sym < 280)
    w.code(sym - 256, 7);
  else
    w.code(0xC0 + (sym - 280), 8);
}

constexpr std::array<int, 29> kLenBase{3,  4,  5,  6,   7,   8,   9,   10,  11, 13,
                                       15, 17, 19, 23,  27,  31,  35,  43,  51, 59,
                                       67, 83, 99, 115, 131, 163, 195, 227, 258};
constexpr std::array<int, 29> kLenExtra{0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                        2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
constexpr std::array<int, 30> kDistBase{
    1,   2,   3,   4,   5,   7,    9,    13,   17,   25,   33,   49,   65,    97,    129,
    193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
constexpr std::array<int, 30> kDistExtra{0, 0, 0, 0, 1, 1, 2, 2,  3,  3,  4,  4,  5,  5,  6,
                                         6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};

void match(BitWriter& w, int length, int distance) {
  int li = static_cast<int>(kLenBase.size()) - 1;
  while (kLenBase[li] > length) --li;
  literal_length(w, 257 + li);
  w.bits(length - kLenBase[li], kLenExtra[li]);
  int di = static_cast<int>(kDistBase.size()) - 1;
  while (kDistBase[di] > distance) --di;
  w.code(di, 5);
  w.bits(distance - kDistBase[di], kDistExtra[di]);
}

void chunk(std::string& png, const char* type, const std::string& data) {
  auto be32 = [&](uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) png.push_back(static_cast<char>((v >> s) & 0xFF));
  };
  be32(static_cast<uint32_t>(data.size()));
  std::string body = std::string(type, 4) + data;
  png += body;
  be32(crc32(body));
}

}  // namespace

uint32_t crc32(const std::string& bytes, uint32_t crc) {
  static const auto table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t n = 0; n < 256; ++n) {
      uint32_t c = n;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[n] = c;
    }
    return t;
  }();
  crc = ~crc;
  for (unsigned char b : bytes) crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8);
  return ~crc;
}

uint32_t adler32(const std::string& bytes) {
  uint32_t a = 1, b = 0;
  for (unsigned char c : bytes) {
    a = (a + c) % 65521;
    b = (b + a) % 65521;
  }
  return (b << 16) | a;
}

std::string zlib_compress(const std::string& raw, size_t row_stride) {
  BitWriter w;
  w.bits(1, 1);  // BFINAL
  w.bits(1, 2);  // BTYPE 01: fixed Huffman
  const size_t n = raw.size();
  size_t i = 0;
  while (i < n) {
    size_t best_len = 0, best_dist = 0;
    for (size_t d : {size_t{1}, row_stride}) {
      if (d == 0 || d > 32768 || d > i) continue;
      size_t len = 0;
      while (len < 258 && i + len < n && raw[i + len] == raw[i + len - d]) ++len;
      if (len > best_len) best_len = len, best_dist = d;
    }
    if (best_len >= 3) {
      match(w, static_cast<int>(best_len), static_cast<int>(best_dist));
      i += best_len;
    } else {
      literal_length(w, static_cast<unsigned char>(raw[i]));
      ++i;
    }
  }
  literal_length(w, 256);  // end of block
  std::string out = "\x78\x01";
  out += w.finish();
  uint32_t ad = adler32(raw);
  for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<char>((ad >> s) & 0xFF));
  return out;
}

std::optional<Rgb> parse_rgb(const std::string& hex) {
  if (hex.size() != 7 || hex[0] != '#') return std::nullopt;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  uint8_t v[3];
  for (int k = 0; k < 3; ++k) {
    int hi = nibble(hex[1 + 2 * k]), lo = nibble(hex[2 + 2 * k]);
    if (hi < 0 || lo < 0) return std::nullopt;
    v[k] = static_cast<uint8_t>(hi * 16 + lo);
  }
  return Rgb{v[0], v[1], v[2]};
}

namespace {
// A bound read from stored JSON, clamped to [0, limit]: whatever is stored, the drawing loops
// below stay within the image (validation refuses such menus; this is the second line).
int clamped(const Json& bounds, const char* key, int limit) {
  auto it = bounds.find(key);
  if (it == bounds.end() || !it->is_number_integer()) return 0;
  if (it->is_number_unsigned())
    return it->get<uint64_t>() > static_cast<uint64_t>(limit)
               ? limit
               : static_cast<int>(it->get<uint64_t>());
  return static_cast<int>(std::clamp<int64_t>(it->get<int64_t>(), 0, limit));
}
}  // namespace

std::string generated_menu_png(int width, int height, Rgb background, Rgb outline,
                               const Json& areas) {
  width = std::clamp(width, 1, kMaxGeneratedSide);
  height = std::clamp(height, 1, kMaxGeneratedSide);
  const size_t stride = 1 + (static_cast<size_t>(width) + 7) / 8;  // filter byte + 1 bit/pixel
  std::string raw(stride * static_cast<size_t>(height), '\0');
  auto set = [&](int x, int y) {
    if (x < 0 || y < 0 || x >= width || y >= height) return;
    raw[static_cast<size_t>(y) * stride + 1 + static_cast<size_t>(x) / 8] |=
        static_cast<char>(0x80 >> (x % 8));
  };
  const int thick = std::max(2, std::min(width, height) / 200);
  if (areas.is_array())
    for (const auto& a : areas) {
      if (!a.is_object() || !a.contains("bounds") || !a["bounds"].is_object()) continue;
      const Json& b = a["bounds"];
      int x0 = clamped(b, "x", width), y0 = clamped(b, "y", height);
      int x1 = std::min(width, x0 + clamped(b, "width", width));
      int y1 = std::min(height, y0 + clamped(b, "height", height));
      for (int y = y0; y < y1; ++y)
        for (int x = x0; x < x1; ++x)
          if (x < x0 + thick || x >= x1 - thick || y < y0 + thick || y >= y1 - thick) set(x, y);
    }

  std::string png = "\x89PNG\r\n\x1a\n";
  std::string ihdr;
  for (uint32_t v : {static_cast<uint32_t>(width), static_cast<uint32_t>(height)})
    for (int s = 24; s >= 0; s -= 8) ihdr.push_back(static_cast<char>((v >> s) & 0xFF));
  ihdr += std::string("\x01\x03\x00\x00\x00", 5);  // 1-bit palette, deflate, no interlace
  chunk(png, "IHDR", ihdr);
  std::string plte;
  for (Rgb c : {background, outline})
    plte += {static_cast<char>(c.r), static_cast<char>(c.g), static_cast<char>(c.b)};
  chunk(png, "PLTE", plte);
  chunk(png, "IDAT", zlib_compress(raw, stride));
  chunk(png, "IEND", "");
  return png;
}

std::string image_content_type(const std::string& b) {
  if (b.size() >= 8 && b.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0) return "image/png";
  if (b.size() >= 3 && b.compare(0, 3, "\xFF\xD8\xFF") == 0) return "image/jpeg";
  return "";
}

std::optional<std::pair<int, int>> image_size(const std::string& b) {
  auto u8 = [&](size_t i) { return static_cast<unsigned>(static_cast<unsigned char>(b[i])); };
  auto be16 = [&](size_t i) { return static_cast<int>((u8(i) << 8) | u8(i + 1)); };
  auto be32 = [&](size_t i) {
    return static_cast<int>((u8(i) << 24) | (u8(i + 1) << 16) | (u8(i + 2) << 8) | u8(i + 3));
  };
  std::string type = image_content_type(b);
  if (type == "image/png") {
    if (b.size() < 24 || b.compare(12, 4, "IHDR") != 0) return std::nullopt;
    return std::make_pair(be32(16), be32(20));
  }
  if (type != "image/jpeg") return std::nullopt;
  // Walk the JPEG segments to the first start-of-frame marker (SOF0..SOF15 minus DHT/JPG/DAC).
  size_t i = 2;
  while (i + 9 < b.size()) {
    if (u8(i) != 0xFF) return std::nullopt;
    unsigned marker = u8(i + 1);
    if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC)
      return std::make_pair(be16(i + 7), be16(i + 5));
    i += 2 + static_cast<size_t>(be16(i + 2));
  }
  return std::nullopt;
}

}  // namespace mg::line
