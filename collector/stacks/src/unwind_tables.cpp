// Reads one code address's unwind rule from the .eh_frame tables: finds its FDE with
// libgcc's _Unwind_Find_FDE, then runs the CIE's and FDE's call-frame instructions (DWARF 5,
// section 6.4) up to that address, tracking only the CFA, rbp and the return address.
// Anything the fast walk cannot follow comes out Unsupported.
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "frame_rules.hpp"

namespace {

struct dwarf_eh_bases {
  void* tbase;
  void* dbase;
  void* func;
};

}  // namespace

// libgcc's FDE lookup (unwind-dw2-fde-dispatch.c): exported, not declared in its headers.
extern "C" const void* _Unwind_Find_FDE(void* pc, dwarf_eh_bases* bases);

namespace ctxheap::stacks {
namespace {

// DWARF register numbers on x86-64.
constexpr std::uint64_t kRbp = 6, kRsp = 7, kReturnAddress = 16;

/// A bounded reader over one CIE or FDE.
class Bytes {
 public:
  Bytes(const std::uint8_t* p, const std::uint8_t* end) noexcept : p_(p), end_(end) {}
  bool ok() const noexcept { return ok_; }
  bool done() const noexcept { return p_ >= end_; }
  const std::uint8_t* here() const noexcept { return p_; }

  template <class T>
  T fixed() noexcept {
    T v{};
    if (end_ - p_ < static_cast<std::ptrdiff_t>(sizeof(T))) return fail(), v;
    std::memcpy(&v, p_, sizeof(T));
    p_ += sizeof(T);
    return v;
  }
  std::uint8_t u8() noexcept { return fixed<std::uint8_t>(); }
  std::uint64_t uleb() noexcept {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      const std::uint8_t b = u8();
      v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80) || !ok_) return v;
    }
    return fail(), v;
  }
  std::int64_t sleb() noexcept {
    std::uint64_t v = 0;
    int shift = 0;
    std::uint8_t b = 0;
    do {
      b = u8();
      if (shift < 64) v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      shift += 7;
    } while ((b & 0x80) && ok_ && shift < 70);
    if (shift < 64 && (b & 0x40)) v |= ~std::uint64_t{0} << shift;
    return static_cast<std::int64_t>(v);
  }
  void skip(std::uint64_t n) noexcept {
    if (static_cast<std::uint64_t>(end_ - p_) < n) return fail();
    p_ += n;
  }
  /// A pointer in DW_EH_PE encoding `enc`; only the value's size matters for most fields,
  /// but DW_CFA_set_loc needs the value, so pc-relative and absolute ones are resolved.
  std::uint64_t encoded(std::uint8_t enc) noexcept {
    if (enc == 0xff) return 0;  // DW_EH_PE_omit
    const std::uint8_t* at = p_;
    std::uint64_t v = 0;
    switch (enc & 0x0f) {
      case 0x00: v = fixed<std::uint64_t>(); break;                              // absptr
      case 0x01: v = uleb(); break;                                              // uleb128
      case 0x02: v = fixed<std::uint16_t>(); break;                              // udata2
      case 0x03: v = fixed<std::uint32_t>(); break;                              // udata4
      case 0x04: v = fixed<std::uint64_t>(); break;                              // udata8
      case 0x09: v = static_cast<std::uint64_t>(sleb()); break;                  // sleb128
      case 0x0a: v = static_cast<std::uint64_t>(fixed<std::int16_t>()); break;   // sdata2
      case 0x0b: v = static_cast<std::uint64_t>(fixed<std::int32_t>()); break;   // sdata4
      case 0x0c: v = static_cast<std::uint64_t>(fixed<std::int64_t>()); break;   // sdata8
      default: fail(); return 0;
    }
    if ((enc & 0x70) == 0x10) v += reinterpret_cast<std::uintptr_t>(at);  // pcrel
    return v;
  }
  void fail() noexcept {
    ok_ = false;
    p_ = end_;
  }

 private:
  const std::uint8_t* p_;
  const std::uint8_t* end_;
  bool ok_ = true;
};

/// One register's rule, as far as the walk cares.
struct RegRule {
  enum Kind : std::uint8_t { Same, Undefined, Offset, Other } kind = Same;
  std::int64_t offset = 0;
};

struct Row {
  std::uint64_t cfa_reg = kRsp;
  std::int64_t cfa_offset = 8;
  bool cfa_expression = false;
  RegRule rbp, ra;
};

struct Cie {
  const std::uint8_t* instructions = nullptr;
  const std::uint8_t* end = nullptr;
  std::uint64_t code_align = 1;
  std::int64_t data_align = -8;
  std::uint64_t ra_register = kReturnAddress;
  std::uint8_t fde_encoding = 0;
  bool has_augmentation_data = false;
  bool signal_frame = false;
};

/// A length-prefixed entry's body: [p, end) after the length field; false if malformed.
bool entry_bounds(const std::uint8_t* entry, const std::uint8_t** body, const std::uint8_t** end) noexcept {
  std::uint32_t length32;
  std::memcpy(&length32, entry, 4);
  if (length32 == 0 || length32 == 0xffffffffu) return false;  // terminator / 64-bit DWARF
  *body = entry + 4;
  *end = *body + length32;
  return true;
}

bool parse_cie(const std::uint8_t* entry, Cie& cie) noexcept {
  const std::uint8_t* body;
  const std::uint8_t* end;
  if (!entry_bounds(entry, &body, &end)) return false;
  Bytes in(body, end);
  if (in.fixed<std::uint32_t>() != 0) return false;  // CIE id
  const std::uint8_t version = in.u8();
  if (version != 1 && version != 3) return false;
  const char* augmentation = reinterpret_cast<const char*>(in.here());
  const std::size_t aug_len = strnlen(augmentation, static_cast<std::size_t>(end - in.here()));
  in.skip(aug_len + 1);
  if (augmentation[0] != '\0' && augmentation[0] != 'z') return false;  // e.g. "eh": pre-z, unsupported
  cie.code_align = in.uleb();
  cie.data_align = in.sleb();
  cie.ra_register = version == 1 ? in.u8() : in.uleb();
  if (augmentation[0] == 'z') {
    cie.has_augmentation_data = true;
    const std::uint64_t data_len = in.uleb();
    const std::uint8_t* data_end = in.here() + data_len;
    for (std::size_t i = 1; i < aug_len && in.ok(); ++i) {
      switch (augmentation[i]) {
        case 'R': cie.fde_encoding = in.u8(); break;
        case 'P': in.encoded(in.u8()); break;
        case 'L': in.u8(); break;
        case 'S': cie.signal_frame = true; break;
        default: i = aug_len; break;  // unknown letters: their data ends at data_end
      }
    }
    if (!in.ok() || data_end > end || data_end < in.here()) return false;
    in = Bytes(data_end, end);
  }
  cie.instructions = in.here();
  cie.end = end;
  return in.ok();
}

/// Runs call-frame instructions from `loc` while the row applies at or before `target`.
/// Returns false on an instruction the walk does not model.
class Program {
 public:
  Program(const Cie& cie, std::uint64_t loc, std::uint64_t target) noexcept
      : cie_(cie), loc_(loc), target_(target) {}

  bool run(const std::uint8_t* p, const std::uint8_t* end, Row& row, const Row* initial) noexcept {
    Bytes in(p, end);
    while (!in.done()) {
      const std::uint8_t op = in.u8();
      const std::uint8_t low = op & 0x3f;
      switch (op >> 6) {
        case 1:
          if (!advance(low * cie_.code_align)) return true;
          continue;
        case 2: offset(row, low, static_cast<std::int64_t>(in.uleb()) * cie_.data_align); continue;
        case 3: restore(row, low, initial); continue;
        default: break;
      }
      switch (op) {
        case 0x00: break;  // nop
        case 0x01: {       // set_loc
          const std::uint64_t to = in.encoded(cie_.fde_encoding);
          if (to > target_) return true;
          loc_ = to;
          break;
        }
        case 0x02: if (!advance(in.u8() * cie_.code_align)) return true; break;
        case 0x03: if (!advance(in.fixed<std::uint16_t>() * cie_.code_align)) return true; break;
        case 0x04: if (!advance(in.fixed<std::uint32_t>() * cie_.code_align)) return true; break;
        case 0x05: { const auto r = in.uleb(); offset(row, r, static_cast<std::int64_t>(in.uleb()) * cie_.data_align); break; }
        case 0x06: restore(row, in.uleb(), initial); break;
        case 0x07: set(row, in.uleb(), {RegRule::Undefined, 0}); break;
        case 0x08: set(row, in.uleb(), {RegRule::Same, 0}); break;
        case 0x09: { const auto r = in.uleb(); in.uleb(); set(row, r, {RegRule::Other, 0}); break; }
        case 0x0a:  // remember_state
          if (depth_ == kStates) return false;
          saved_[depth_++] = row;
          break;
        case 0x0b:  // restore_state: the whole row, CFA included (as GCC's code relies on)
          if (depth_ == 0) return false;
          row = saved_[--depth_];
          break;
        case 0x0c: row.cfa_reg = in.uleb(); row.cfa_offset = static_cast<std::int64_t>(in.uleb()); row.cfa_expression = false; break;
        case 0x0d: row.cfa_reg = in.uleb(); row.cfa_expression = false; break;
        case 0x0e: row.cfa_offset = static_cast<std::int64_t>(in.uleb()); break;
        case 0x0f: row.cfa_expression = true; in.skip(in.uleb()); break;
        case 0x10: { const auto r = in.uleb(); in.skip(in.uleb()); set(row, r, {RegRule::Other, 0}); break; }
        case 0x11: { const auto r = in.uleb(); offset(row, r, in.sleb() * cie_.data_align); break; }
        case 0x12: row.cfa_reg = in.uleb(); row.cfa_offset = in.sleb() * cie_.data_align; row.cfa_expression = false; break;
        case 0x13: row.cfa_offset = in.sleb() * cie_.data_align; break;
        case 0x14: { const auto r = in.uleb(); in.uleb(); set(row, r, {RegRule::Other, 0}); break; }
        case 0x15: { const auto r = in.uleb(); in.sleb(); set(row, r, {RegRule::Other, 0}); break; }
        case 0x16: { const auto r = in.uleb(); in.skip(in.uleb()); set(row, r, {RegRule::Other, 0}); break; }
        case 0x2e: in.uleb(); break;  // GNU_args_size
        case 0x2f: { const auto r = in.uleb(); offset(row, r, -static_cast<std::int64_t>(in.uleb()) * cie_.data_align); break; }
        default: return false;
      }
      if (!in.ok()) return false;
    }
    return in.ok();
  }

 private:
  static constexpr int kStates = 8;

  bool advance(std::uint64_t delta) noexcept {
    if (loc_ + delta > target_) return false;
    loc_ += delta;
    return true;
  }
  void offset(Row& row, std::uint64_t reg, std::int64_t off) noexcept { set(row, reg, {RegRule::Offset, off}); }
  void set(Row& row, std::uint64_t reg, RegRule rule) noexcept {
    if (reg == kRbp) row.rbp = rule;
    else if (reg == cie_.ra_register) row.ra = rule;
  }
  void restore(Row& row, std::uint64_t reg, const Row* initial) noexcept {
    if (initial == nullptr) return;
    if (reg == kRbp) row.rbp = initial->rbp;
    else if (reg == cie_.ra_register) row.ra = initial->ra;
  }

  const Cie& cie_;
  std::uint64_t loc_;
  std::uint64_t target_;
  Row saved_[kStates];
  int depth_ = 0;
};

FrameRule to_rule(const Row& row) noexcept {
  FrameRule rule;
  if (row.ra.kind == RegRule::Undefined) {
    rule.kind = FrameRule::Outermost;
    return rule;
  }
  if (row.cfa_expression || (row.cfa_reg != kRsp && row.cfa_reg != kRbp)) return rule;
  if (row.ra.kind != RegRule::Offset || row.ra.offset != -8) return rule;
  if (row.cfa_offset < 8 || row.cfa_offset > (1 << 20)) return rule;
  if (row.rbp.kind == RegRule::Other) return rule;
  if (row.rbp.kind == RegRule::Offset && (row.rbp.offset >= 0 || row.rbp.offset < -row.cfa_offset)) return rule;
  rule.kind = FrameRule::Step;
  rule.cfa_from_rbp = row.cfa_reg == kRbp;
  rule.cfa_offset = static_cast<std::int32_t>(row.cfa_offset);
  rule.rbp_offset = row.rbp.kind == RegRule::Offset ? static_cast<std::int32_t>(row.rbp.offset) : 0;
  return rule;
}

}  // namespace

FrameRule rule_from_unwind_tables(std::uintptr_t ra) noexcept {
  // A return address may be one past the end of its function (a call to a noreturn
  // function): look up and run the program for the call instruction's last byte.
  const std::uintptr_t pc = ra - 1;
  dwarf_eh_bases bases{};
  const auto* fde = static_cast<const std::uint8_t*>(_Unwind_Find_FDE(reinterpret_cast<void*>(pc), &bases));
  if (fde == nullptr) return {};
  const std::uint8_t* body;
  const std::uint8_t* end;
  if (!entry_bounds(fde, &body, &end)) return {};
  std::int32_t cie_delta;
  std::memcpy(&cie_delta, body, 4);
  Cie cie;
  if (cie_delta <= 0 || !parse_cie(body - cie_delta, cie) || cie.signal_frame) return {};

  Bytes in(body + 4, end);
  in.encoded(cie.fde_encoding);                    // pc_begin: bases.func has it resolved
  in.encoded(cie.fde_encoding & 0x0f);             // pc_range
  if (cie.has_augmentation_data) in.skip(in.uleb());
  if (!in.ok()) return {};
  const auto start = reinterpret_cast<std::uintptr_t>(bases.func);

  Row row;
  Program cie_program(cie, start, pc);
  if (!cie_program.run(cie.instructions, cie.end, row, nullptr)) return {};
  const Row initial = row;
  Program fde_program(cie, start, pc);
  if (!fde_program.run(in.here(), end, row, &initial)) return {};
  return to_rule(row);
}

}  // namespace ctxheap::stacks
