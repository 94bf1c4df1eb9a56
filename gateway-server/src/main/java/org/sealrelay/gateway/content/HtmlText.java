package org.sealrelay.gateway.content;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;

/** Converts an HTML part to the text a reader would see, dropping scripts, styles and markup. */
final class HtmlText {
    private HtmlText() {
    }

    static String toText(String html) {
        Document document = Jsoup.parse(html);
        document.select("script, style, head").remove();
        return document.body() == null ? "" : document.body().wholeText();
    }
}
