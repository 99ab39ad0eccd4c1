// The SAML HTTP-POST binding: send the AuthnRequest's form to the identity provider at once.
// Without script the person presses the form's button.
(function () {
  "use strict";
  var form = document.querySelector("form.saml-post[data-autosubmit]");
  if (form) { form.submit(); }
})();
