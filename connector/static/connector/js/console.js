// Small progressive enhancements; every page works without this file.
(function () {
  const toggle = document.querySelector(".nav-toggle");
  const nav = document.getElementById("nav");
  if (toggle && nav) {
    toggle.addEventListener("click", () => {
      const open = nav.classList.toggle("open");
      toggle.setAttribute("aria-expanded", String(open));
    });
  }

  // On the Salesforce org form, show only the credentials the chosen flow uses.
  const orgForm = document.querySelector("[data-auth-flow-form]");
  if (orgForm) {
    const used = {
      web_server: ["client_secret"],
      jwt_bearer: ["username", "private_key"],
      client_credentials: ["client_secret"],
      username_password: ["client_secret", "username", "password", "security_token"],
    };
    const optional = ["client_secret", "username", "password", "security_token", "private_key"];
    const update = () => {
      const checked = orgForm.querySelector("input[name=auth_flow]:checked");
      if (!checked) return;
      for (const name of optional) {
        const field = document.getElementById("field-" + name);
        if (field) field.hidden = !used[checked.value].includes(name);
      }
    };
    orgForm.addEventListener("change", update);
    update();
  }
})();
