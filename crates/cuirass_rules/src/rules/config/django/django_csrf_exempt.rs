use cuirass_python::Ranged;
use cuirass_python::ast::{Expr, Stmt};

use crate::checker::{Context, Node};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Checks for Django views exempted from CSRF protection: `@csrf_exempt` on a function or
    /// method, `csrf_exempt(view)` (typically in `urls.py`), and
    /// `@method_decorator(csrf_exempt, name="dispatch")` on a class-based view. Names are
    /// resolved through imports, so an alias of `django.views.decorators.csrf.csrf_exempt` is
    /// found and a local function called `csrf_exempt` is not. Test files are skipped.
    ///
    /// This is a rule to review each exemption by: a webhook that authenticates its caller by a
    /// signature, or an API that only accepts a token header and never a cookie, may be
    /// exempted on purpose — suppress the finding with that reason.
    ///
    /// ## Why is this bad?
    /// An exempt view accepts a POST from any site the user visits, carrying the user's
    /// cookies: another site can submit the form for the signed-in user (change their e-mail,
    /// delete data, make a payment).
    ///
    /// ## Example
    /// ```python
    /// from django.views.decorators.csrf import csrf_exempt
    ///
    /// @csrf_exempt
    /// def update_profile(request):
    ///     ...
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// from django.views.decorators.http import require_POST
    ///
    /// @require_POST
    /// def update_profile(request):  # the form includes {% csrf_token %}
    ///     ...
    /// ```
    ///
    /// ## Fix
    /// Remove the exemption and send the CSRF token: `{% csrf_token %}` in forms, the
    /// `X-CSRFToken` header from JavaScript. For a webhook, verify the sender's signature
    /// (`cuirass.signing.constant_time_compare` for the comparison) before doing anything.
    ///
    /// ## References
    /// - [CWE-352: Cross-Site Request Forgery (CSRF)](https://cwe.mitre.org/data/definitions/352.html)
    /// - [Django: `csrf_exempt`](https://docs.djangoproject.com/en/stable/ref/csrf/#django.views.decorators.csrf.csrf_exempt)
    pub(super) RULE = {
        name: "django-csrf-exempt",
        audit: Config,
        kind: Pattern,
        severity: Medium,
        confidence: Medium,
        likelihood: Medium,
        impact: Medium,
        cwe: [352],
        owasp: A01BrokenAccessControl,
        aliases: [],
        tags: ["django", "csrf"],
        interest: [FunctionDef, Call],
        check: check,
    }
}

const CSRF_EXEMPT: &str = "django.views.decorators.csrf.csrf_exempt";
const METHOD_DECORATOR: &str = "django.utils.decorators.method_decorator";

fn is_csrf_exempt(ctx: &Context<'_>, expr: &Expr) -> bool {
    ctx.qualified_name(expr).as_deref() == Some(CSRF_EXEMPT)
}

fn check(ctx: &mut Context<'_>, node: &Node<'_>) {
    if ctx.is_test_file() {
        return;
    }
    match node {
        Node::Stmt(Stmt::FunctionDef(function)) => {
            for decorator in &function.decorator_list {
                if matches!(decorator.expression, Expr::Name(_) | Expr::Attribute(_))
                    && is_csrf_exempt(ctx, &decorator.expression)
                {
                    let name = function.name.as_str();
                    ctx.report(
                        decorator.expression.range(),
                        format!(
                            "`@csrf_exempt` turns CSRF protection off for the view `{name}`, so other sites can submit requests to it with the user's cookies; remove it, or authenticate the caller another way"
                        ),
                    );
                }
            }
        }
        Node::Call(call) => {
            if call.name == Some(CSRF_EXEMPT) {
                let view = call
                    .arg(0)
                    .map(|arg| ctx.text(arg.range()))
                    .filter(|text| text.len() <= 40 && !text.contains('\n'))
                    .unwrap_or("a view");
                let message = format!(
                    "`csrf_exempt({view})` turns CSRF protection off for this view, so other sites can submit requests to it with the user's cookies; remove it, or authenticate the caller another way"
                );
                ctx.report(call.node.range(), message);
            } else if call.name == Some(METHOD_DECORATOR)
                && call.arg(0).is_some_and(|arg| is_csrf_exempt(ctx, arg))
            {
                ctx.report(
                    call.node.range(),
                    "`method_decorator(csrf_exempt)` turns CSRF protection off for this class-based view, so other sites can submit requests to it with the user's cookies; remove it, or authenticate the caller another way".to_string(),
                );
            }
        }
        _ => {}
    }
}
