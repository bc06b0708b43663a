// Stripe.js on the card page (a SetupIntent) and on the bank's 3-D Secure step of "Pay now" (a PaymentIntent).
// The browser only asks Stripe; the server re-reads every result from Stripe before it stores anything.
(() => {
  const setupForm = document.querySelector("form[data-stripe-setup]");
  const payForm = document.querySelector("form[data-stripe-authenticate]");
  const form = setupForm || payForm;
  if (!form) return;
  const status = document.getElementById(form.dataset.status);
  const say = (text) => {
    if (status) status.textContent = text;
  };
  const notBusy = () => {
    delete form.dataset.busy;
    form.removeAttribute("aria-busy");
    form.querySelectorAll("[aria-busy]").forEach((el) => el.removeAttribute("aria-busy"));
  };
  if (typeof window.Stripe !== "function") {
    say("The card form could not load. Check your connection and reload the page.");
    return;
  }
  const stripe = window.Stripe(form.dataset.stripeKey);

  if (setupForm) {
    const card = stripe.elements().create("card");
    card.mount("#card-element");
    card.on("change", (event) => say(event.error ? event.error.message : ""));
    setupForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      say("Checking the card with your bank…");
      const { setupIntent, error } = await stripe.confirmCardSetup(setupForm.dataset.clientSecret, {
        payment_method: { card },
      });
      if (error) {
        say(error.message);
        notBusy();
        return;
      }
      setupForm.querySelector("input[name=setup_intent]").value = setupIntent.id;
      setupForm.submit(); // no submit event: the request goes once
    });
  }

  if (payForm) {
    payForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      say("Waiting for your bank…");
      const { error } = await stripe.confirmCardPayment(payForm.dataset.clientSecret);
      if (error) say(error.message);
      payForm.submit(); // either way the server asks Stripe what happened and says so
    });
  }
})();
