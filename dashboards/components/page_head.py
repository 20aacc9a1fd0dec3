"""What every public page adds to the browser page beyond Streamlit: the page language, readable colours and
focus, and accessible names for what Streamlit, Plotly and Leaflet leave unnamed (WCAG 2.1 AA).

Streamlit serves every page as ``<html lang="en">`` and has no setting for it; :func:`head_html` is a small
script (shown with ``st.html(..., unsafe_allow_javascript=True)``, no iframe) that

* sets ``<html lang>`` to the reader's language (vi / en), so a screen reader speaks Vietnamese with a
  Vietnamese voice (WCAG 3.1.1);
* names each chart container after its chart's title (``role="figure"``) and hides the chart's raw SVG text
  from assistive technology (its values are in a table beside it);
* hides the raw-number fallback table of sortable grids (their twin with the values as shown is read);
* puts Streamlit's own texts (placeholders, toolbar buttons, status) in Vietnamese on Vietnamese pages, and
  gives the map's frame a title.

The stylesheet darkens captions and other faded text to at least 4.5:1, draws a visible focus outline, and
keeps the pages readable on a 390-pixel phone.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

#: Streamlit's built-in texts seen on the public pages (attribute values and whole text nodes) → Vietnamese
BUILTIN_VI = {
    "Choose an option": "Chọn…",
    "Choose options": "Chọn…",
    "No results": "Không có kết quả",
    "No options to select": "Không còn lựa chọn",
    "Clear all": "Xóa hết",
    "Clear value": "Xóa lựa chọn",
    "Remove": "Bỏ",
    "Show/hide columns": "Hiện/ẩn cột",
    "Download as CSV": "Tải CSV",
    "Search": "Tìm kiếm",
    "Fullscreen": "Toàn màn hình",
    "Close fullscreen": "Thoát toàn màn hình",
    "Running...": "Đang tải…",
    "Stop": "Dừng",
    "Main menu": "Menu chính",
    "Collapse sidebar": "Thu gọn thanh bên",
    "Expand sidebar": "Mở thanh bên",
    "Close sidebar": "Thu gọn thanh bên",
    "Open sidebar": "Mở thanh bên",
    "Show more": "Xem thêm",
    "Show less": "Thu gọn",
    "Copy to clipboard": "Sao chép",
    "Open": "Mở",
    "Close": "Đóng",
}

STYLE = """
.sr-only{position:absolute!important;width:1px!important;height:1px!important;padding:0!important;margin:-1px!important;
 overflow:hidden!important;clip:rect(0,0,0,0)!important;white-space:nowrap!important;border:0!important}
[data-testid="stCaptionContainer"],[data-testid="stCaptionContainer"] p,[data-testid="stCaptionContainer"] *,
[data-testid="stSidebar"] [data-testid="stCaptionContainer"] p,[data-testid="stMetricLabel"] p,
[data-testid="stWidgetLabel"] p,[data-testid="stMetricDelta"] div{color:#4d4d4d!important}
[data-testid="stCaptionContainer"]{opacity:1!important}
[data-testid="stMetricDelta"] svg{color:inherit}
a{color:#1a56a0}
*:focus-visible,button:focus-visible,[role="button"]:focus-visible,a:focus-visible,canvas:focus-visible{
 outline:3px solid #1a56a0!important;outline-offset:2px!important}
@media (max-width:640px){
 .block-container,[data-testid="stMainBlockContainer"]{padding-left:.75rem!important;padding-right:.75rem!important}
 h1{font-size:1.55rem!important;line-height:1.25!important}
 [data-testid="stMetricValue"]{font-size:1.6rem!important}
}
"""

SCRIPT = """
(function () {
  var cfg = window.__parPage = window.__parPage || {};
  cfg.lang = %(lang)s; cfg.texts = %(texts)s; cfg.mapTitle = %(map_title)s;
  document.documentElement.setAttribute('lang', cfg.lang);
  function translate() {
    if (cfg.lang !== 'vi') { return; }
    var texts = cfg.texts;
    ['aria-label', 'title', 'placeholder', 'data-title'].forEach(function (attr) {
      document.querySelectorAll('[' + attr + ']').forEach(function (el) {
        var v = el.getAttribute(attr);
        if (v && texts[v]) { el.setAttribute(attr, texts[v]); }
      });
    });
    var walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    var node;
    while ((node = walker.nextNode())) {
      var key = node.nodeValue.trim();
      if (key && texts[key]) { node.nodeValue = node.nodeValue.replace(key, texts[key]); }
    }
  }
  function fix() {
    document.documentElement.setAttribute('lang', cfg.lang);
    document.querySelectorAll('[class*="st-key-chart-"] [data-testid="stPlotlyChart"]').forEach(function (box) {
      var title = box.querySelector('.gtitle');
      var name = title ? title.textContent : '';
      if (name && box.getAttribute('aria-label') !== name) {
        box.setAttribute('role', 'figure');
        box.setAttribute('aria-label', name);
      }
      box.querySelectorAll('svg.main-svg').forEach(function (svg) { svg.setAttribute('aria-hidden', 'true'); });
    });
    document.querySelectorAll('[class*="st-key-sortable-"] canvas table').forEach(function (t) {
      t.setAttribute('aria-hidden', 'true');
    });
    document.querySelectorAll('iframe[title="streamlit_folium.st_folium"]').forEach(function (f) {
      f.setAttribute('title', cfg.mapTitle);
    });
    translate();
  }
  if (!cfg.observer) {
    var pending = false;
    cfg.observer = new MutationObserver(function () {
      if (pending) { return; }
      pending = true;
      setTimeout(function () { pending = false; fix(); }, 60);
    });
    cfg.observer.observe(document.body, {childList: true, subtree: true, characterData: true});
  }
  fix();
})();
"""


def head_html(lang: str, *, map_title: str, builtin: Mapping[str, str] | None = None) -> str:
    """The stylesheet and script of a page in ``lang`` (see the module docstring)."""
    texts = dict(BUILTIN_VI if builtin is None else builtin) if lang == "vi" else {}
    script = SCRIPT % {
        "lang": json.dumps(lang),
        "texts": json.dumps(texts, ensure_ascii=False),
        "map_title": json.dumps(map_title, ensure_ascii=False),
    }
    return f"<style>{STYLE}</style><script>{script}</script>"
