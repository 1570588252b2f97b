"""The HTML the app's web view shows: the card form and the outcome pages.

The page's data travels as one JSON block (with ``<`` escaped, so no value
can close the script), and the script reads it from there.
"""

import json

from markupsafe import Markup, escape

_STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem;color:#111}"
    "#card{padding:.75rem;border:1px solid #bbb;margin:1rem 0}button{padding:.6rem 1.2rem}"
    "#error{color:#b00020;min-height:1.2em}"
)

_SCRIPT = """
const page = JSON.parse(document.getElementById('checkout').textContent);
const stripe = Stripe(page.publishable_key);
const card = stripe.elements().create('card');
card.mount('#card');
const form = document.getElementById('pay');
const error = document.getElementById('error');
form.addEventListener('submit', async (event) => {
  event.preventDefault();
  form.querySelector('button').disabled = true;
  error.textContent = '';
  const tokenised = await stripe.createToken(card);
  if (tokenised.error) {
    error.textContent = (tokenised.error && tokenised.error.message) || 'Check the card details.';
    form.querySelector('button').disabled = false;
    return;
  }
  const answer = await fetch(page.confirm_url, {
    method: 'POST', headers: {'Content-Type': 'application/json'},
    body: JSON.stringify({token: tokenised.token.id}),
  });
  const body = await answer.json().catch(() => ({}));
  if (answer.ok && body.data && body.data.requires_action) {
    await stripe.confirmCardPayment(page.client_secret);
  }
  window.location.href = page.return_url;
});
"""


def _document(title: str, body: Markup) -> str:
    return (
        "<!doctype html><html><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>{body}</body></html>"
    )


def payment_page(*, amount_text: str, js_url: str, data: dict, cancel_url: str) -> str:
    """The card form: Stripe.js mounts its card element, the script pays and goes to ``data['return_url']``."""
    payload = Markup(json.dumps(data).replace("<", "\\u003c"))
    body = Markup(
        "<h1>Pay {amount}</h1>"
        "<form id=\"pay\"><div id=\"card\"></div><p id=\"error\" role=\"alert\"></p>"
        "<button type=\"submit\">Pay {amount}</button></form>"
        "<p><a id=\"cancel\" href=\"{cancel}\">Cancel</a></p>"
        "<script type=\"application/json\" id=\"checkout\">{payload}</script>"
        "<script src=\"{js}\"></script><script>{script}</script>"
    ).format(amount=amount_text, cancel=cancel_url, payload=payload, js=js_url, script=Markup(_SCRIPT))
    return _document(f"Pay {amount_text}", body)


def message_page(title: str, text: str) -> str:
    """A plain outcome page (paid, failed, cancelled, or try again)."""
    return _document(title, Markup("<h1>{}</h1><p>{}</p>").format(title, text))
