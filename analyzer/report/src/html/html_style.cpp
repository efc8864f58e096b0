// The page's stylesheet and script, inline: the report opens from a file with no network.
#include "html/html_parts.hpp"

namespace ctxheap::report::detail {

std::string_view html_style() {
  return R"css(
:root{--fg:#1d2330;--muted:#5b6475;--line:#d9dee7;--bg:#fff;--alt:#f6f8fb;--bad:#b42318;--warn:#b54708;--good:#067647;--use:#2f6fde;--alloc:#c8d6f2}
*{box-sizing:border-box}
body{margin:0;padding:24px 32px;font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg)}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}
h3{font-size:15px;margin:18px 0 6px}
.meta{color:var(--muted);margin:0 0 2px}
code{font:12.5px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}
.card{border:1px solid var(--line);border-radius:8px;padding:10px 14px;min-width:150px;background:var(--alt)}
.card b{display:block;font-size:20px}.card span{color:var(--muted);font-size:12px}
.card.bad b{color:var(--bad)}.card.good b{color:var(--good)}
ol.suspects li{margin:6px 0;color:var(--bad)}
.none{color:var(--good)}
.fixed{color:var(--good)}.new{color:var(--bad)}.persisting{color:var(--warn)}
table{border-collapse:collapse;margin:6px 0 12px;font-size:13px}
th,td{border-bottom:1px solid var(--line);padding:3px 8px;text-align:left;vertical-align:top}
th{background:var(--alt);position:sticky;top:0}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr.hl td{background:#fff6ed}
.bar{display:inline-block;width:80px;height:10px;background:var(--alloc);border-radius:2px;vertical-align:middle;margin-right:6px}
.bar i{display:block;height:100%;background:var(--use);border-radius:2px}
.scroll{overflow-x:auto;max-width:100%}
#tree td{white-space:nowrap}
h2#call-tree+table td:last-child{white-space:pre}
#tree tr.stale td{background:#fef3f2}
.tog{cursor:pointer;display:inline-block;width:1.2em;color:var(--muted);user-select:none}
tr.closed .tog::before{content:"\25B8"}tr:not(.closed) .tog::before{content:"\25BE"}
.badge{display:inline-block;font-size:11px;padding:0 6px;border-radius:8px;background:#fee4e2;color:var(--bad);margin-left:6px}
.more td{color:var(--muted);font-style:italic}
.tools{margin:6px 0}.tools input{padding:3px 6px;width:260px}.tools button{margin-left:6px}
svg text{font:12px system-ui,sans-serif;fill:var(--fg)}
.legend{color:var(--muted);font-size:12px}
)css";
}

std::string_view html_script() {
  return R"js(
(function () {
  var rows = Array.prototype.slice.call(document.querySelectorAll('#tree tbody tr'));
  function depth(r) { return Number(r.getAttribute('data-depth')); }
  function setOpen(i, open) {
    var r = rows[i], d = depth(r);
    r.classList.toggle('closed', !open);
    for (var j = i + 1; j < rows.length && depth(rows[j]) > d; j++) {
      rows[j].hidden = !open;
      if (open) rows[j].classList.remove('closed');
    }
  }
  rows.forEach(function (r, i) {
    var t = r.querySelector('.tog');
    if (t) t.addEventListener('click', function () { setOpen(i, r.classList.contains('closed')); });
  });
  function all(open) { rows.forEach(function (r, i) { if (r.querySelector('.tog') && depth(r) === 0) setOpen(i, open); }); }
  var e = document.getElementById('expand'), c = document.getElementById('collapse'), f = document.getElementById('filter');
  if (e) e.addEventListener('click', function () { all(true); });
  if (c) c.addEventListener('click', function () { all(false); });
  if (f) f.addEventListener('input', function () {
    var q = f.value.toLowerCase();
    rows.forEach(function (r) { r.hidden = q !== '' && r.textContent.toLowerCase().indexOf(q) < 0; });
  });
})();
)js";
}

}  // namespace ctxheap::report::detail
