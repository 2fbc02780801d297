// Streamlit's index.html says <html lang="en"> whatever the session's language (WCAG 3.1.1):
// components-v2 JavaScript runs in the main document, so it can set the page's language.
export default function (component) {
  const lang = component.data && component.data.lang;
  if (lang && document.documentElement.lang !== lang) document.documentElement.lang = lang;
}
