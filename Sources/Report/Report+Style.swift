extension Report {
    /// The page's style sheet: a light and a dark scheme by `prefers-color-scheme`, and a print layout
    /// (always light, no navigation, figures kept whole on a page).
    static let css = """
        :root{color-scheme:light dark;--bg:#ffffff;--fg:#1f2328;--muted:#59636e;--card:#f6f8fa;--line:#d1d9e0}
        @media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--card:#161b22;--line:#3d444d}}
        *{box-sizing:border-box}
        body{margin:0 auto;max-width:1120px;padding:24px;background:var(--bg);color:var(--fg);
        font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif}
        h1{font-size:1.6em;margin:0 0 4px}h2{font-size:1.25em;border-bottom:1px solid var(--line);padding-bottom:4px;margin-top:32px}
        h3{font-size:1em}code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.92em}
        a{color:inherit}nav a{margin-right:12px}
        .note,figcaption,footer{color:var(--muted);font-size:.9em}
        dl.summary{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:0}
        dl.summary dt{font-weight:600}dl.summary dd{margin:0}
        .row{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}.row figure{flex:0 1 auto;max-width:560px}
        figure{margin:0 0 12px;break-inside:avoid}figure.fit{display:table}
        figure.fit figcaption{display:table-caption;caption-side:bottom}svg{max-width:100%;height:auto;overflow:visible}
        img{max-width:100%;height:auto}.px{image-rendering:pixelated}
        table.classes{border-collapse:collapse;margin-top:8px;font-size:.9em}
        table.classes th,table.classes td{padding:2px 10px;border-bottom:1px solid var(--line);text-align:right}
        table.classes th:first-child{text-align:left}
        .sheet{display:grid;grid-template-columns:repeat(auto-fill,minmax(190px,1fr));gap:10px}
        figure.mistake{background:var(--card);border:1px solid var(--line);border-radius:6px;padding:8px;margin:0}
        .pair{display:flex;gap:6px;align-items:center;justify-content:center;min-height:64px}
        figure.mistake figcaption{overflow-wrap:anywhere;color:var(--fg)}
        .means{display:flex;flex-wrap:wrap;gap:12px}.means figure{text-align:center}
        footer{margin-top:40px;border-top:1px solid var(--line);padding-top:8px}
        @media print{:root{--bg:#fff;--fg:#000;--muted:#444;--card:#fff;--line:#bbb;color-scheme:light}
        body{max-width:none;padding:0;font-size:11pt}nav{display:none}section{break-before:auto}h2{break-after:avoid}}
        """
}
