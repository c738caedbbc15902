"""The glossary page (`glossary.md`): every centre's 名词解释 (from its `BodySummary`), merged by term."""

from __future__ import annotations

from scripts.site.common import HTML_BREAKS, Centre, Writer, link, md_text


def glossary_page(w: Writer, centres: list[Centre]) -> None:
    """名词解释 merged by term; each distinct definition lists the centres that publish it."""
    terms: dict[str, dict[str, list[Centre]]] = {}
    for c in sorted(centres, key=lambda c: c.slug):
        for entry in c.glossary:
            term = " ".join(entry.term.split())
            definition = " ".join(HTML_BREAKS.sub(" ", entry.definition).split())
            if not term:
                continue
            users = terms.setdefault(term, {}).setdefault(definition, [])
            if not users or users[-1] is not c:  # centres come in order: a repeat is this one's
                users.append(c)
    lines = [
        "# 术语",
        "",
        "以下名词解释取自各中心公开文本中的“名词解释”部分，按术语合并。每条解释注明由哪些中心给出；"
        "不同中心对同一术语的解释不一致时，各条解释分别列出。",
        "",
    ]
    if not terms:
        lines += ["目前收录的公开文本中没有名词解释。", ""]
    for term in sorted(terms):
        definitions = terms[term]
        lines += [f"## {md_text(term)}", ""]
        for i, (definition, users) in enumerate(sorted(definitions.items(), key=lambda kv: kv[1][0].slug)):
            head = f"解释{i + 1}：" if len(definitions) > 1 else ""
            sources = "、".join(link(md_text(c.short), c.page_md) for c in users)
            lines += [
                f"{head}{md_text(definition) or '（公开文本未给出解释）'}",
                "",
                f"<small>出处：{sources}</small>",
                "",
            ]
    w.text("glossary.md", "\n".join(lines))
