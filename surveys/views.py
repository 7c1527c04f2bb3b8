"""The public survey page (/s/<token or public key>/), its thank-you page and one-click unsubscribe.

Server-rendered and usable without JavaScript. A broken, expired or used link gets a page that
says so, with the matching status code, never an error page.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from common.locales import normalize_locale
from surveys import scoring, selectors
from surveys.api.throttling import PublicPageThrottle, throttled
from surveys.forms import AnswerForm
from surveys.identity import identity_signature, signed_external_id
from surveys.models import Response, Survey
from surveys.question_selectors import answers_for_invitation, questions_shown
from surveys.services import CustomerIdentity, invitations, response_submit
from surveys.texts import scale_labels, survey_consent, survey_follow_up, survey_question

TOKEN_MIN_LENGTH = 30  # invitation tokens are 32 characters, survey public keys 22
PROBLEM_TEXTS = {
    403: (
        gettext_lazy("Link not valid"),
        gettext_lazy("This survey link is not valid. Please check that it was copied whole."),
    ),
    409: (gettext_lazy("Already answered"), gettext_lazy("This survey was already answered. Thank you!")),
    410: (gettext_lazy("Link expired"), gettext_lazy("This survey link has expired. Thank you for your interest.")),
}


def _message(request, *, status: int, title: str, message: str, locale: str):
    with translation.override(locale):
        return render(
            request,
            "surveys/message.html",
            {"title": title, "message": message, "locale": locale},
            status=status,
        )


def _problem_page(request, problem: invitations.InvitationProblem, locale: str):
    title, message = PROBLEM_TEXTS.get(problem.status, PROBLEM_TEXTS[403])
    return _message(request, status=problem.status, title=title, message=message, locale=locale)


def _client_locale(request) -> str:
    return normalize_locale(getattr(request, "LANGUAGE_CODE", "") or "") or ""


def _render_form(request, *, survey: Survey, form: AnswerForm, locale: str, recorded: int | None = None, status=200):
    with translation.override(locale):
        low_label, high_label = scale_labels(survey.kind)
        low, high = scoring.scale_for(survey.kind)
        return render(
            request,
            "surveys/page.html",
            {
                "survey": survey,
                "form": form,
                "question": survey_question(survey, locale),
                "follow_up": survey_follow_up(survey, locale) or _("Anything you would like to add?"),
                "consent": survey_consent(survey, locale),
                "low_label": low_label,
                "high_label": high_label,
                "recorded": recorded,
                "locale": locale,
                "questions": [
                    (question, form[question.field_name], _scores_hint(question.scores, low, high))
                    for question in form.questions
                ],
            },
            status=status,
        )


def _scores_hint(scores: tuple[int, ...], low: int, high: int) -> str:
    """ "For scores 0–6" under a question asked of one class only (what a page without script shows)."""
    if not scores or scores == tuple(range(low, high + 1)):
        return ""
    first, last = scores[0], scores[-1]
    return (
        _("For a score of %(score)s") % {"score": first}
        if first == last
        else _("For scores %(low)s–%(high)s") % {"low": first, "high": last}
    )


@require_http_methods(["GET", "HEAD", "POST"])
@throttled(PublicPageThrottle)
def survey_page(request, key: str):
    if len(key) >= TOKEN_MIN_LENGTH:
        return _invitation_page(request, key)
    return _anonymous_page(request, key)


def _invitation_page(request, token: str):
    try:
        invitation = invitations.invitation_get(token=token)
    except invitations.InvitationProblem as problem:
        return _problem_page(request, problem, _client_locale(request) or "en")
    survey = invitation.survey
    locale = invitation.locale or invitation.customer.locale or survey.default_locale
    questions = questions_shown(survey_id=survey.id, locale=locale)
    answered, consented = selectors.invitation_answer(invitation_id=invitation.id)

    def form_for(data=None, *, initial=None, score_required: bool = True) -> AnswerForm:
        return AnswerForm(
            data,
            initial=initial,
            kind=survey.kind,
            score_required=score_required,
            questions=questions,
            known_score=answered,
        )

    if request.method == "POST":
        form = form_for(request.POST, score_required=answered is None)
        if not form.is_valid():
            return _render_form(request, survey=survey, form=form, locale=locale, recorded=answered, status=400)
        try:
            invitations.invitation_respond(
                token=token,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
                locale=locale,
                consent_to_contact=form.cleaned_data["consent_to_contact"],
                answers=form.answers(),
            )
        except invitations.InvitationProblem as problem:
            return _problem_page(request, problem, locale)
        except ValidationError as invalid:
            form.add_answer_errors(invalid)
            return _render_form(request, survey=survey, form=form, locale=locale, recorded=answered, status=400)
        return HttpResponseRedirect(reverse("survey-thanks", args=[token]))
    raw_score = request.GET.get("score")
    if raw_score is not None and request.method == "GET":  # one click from the email records the answer
        form = AnswerForm({"score": raw_score}, kind=survey.kind)
        if form.is_valid():
            try:
                invitations.invitation_respond(token=token, score=form.cleaned_data["score"], locale=locale)
            except invitations.InvitationProblem as problem:
                return _problem_page(request, problem, locale)
            answered, consented = selectors.invitation_answer(invitation_id=invitation.id)
            initial = {"score": answered, "consent_to_contact": consented, **_answers_initial(invitation.id, questions)}
            form = form_for(initial=initial, score_required=False)
            return _render_form(request, survey=survey, form=form, locale=locale, recorded=answered)
    invitations.invitation_mark_opened(invitation=invitation)
    initial = {"score": answered, "consent_to_contact": consented, **_answers_initial(invitation.id, questions)}
    form = form_for(initial=initial, score_required=answered is None)
    return _render_form(request, survey=survey, form=form, locale=locale, recorded=answered)


def _answers_initial(invitation_id: int, questions) -> dict[str, object]:
    """The answers an invitation's response holds, as the form's initial values."""
    if not questions:
        return {}
    given = answers_for_invitation(invitation_id=invitation_id)
    return {question.field_name: given[question.key] for question in questions if question.key in given}


def _anonymous_page(request, public_key: str):
    ref = selectors.survey_get_active(public_key=public_key)
    locale = _client_locale(request)
    if ref is None:
        title, message = PROBLEM_TEXTS[403]
        return _message(request, status=404, title=title, message=message, locale=locale or "en")
    survey = selectors.survey_get(survey_id=ref.id)
    locale = locale or survey.default_locale
    # A link from the survey owner's own product may say who answers: ?customer=<id>&signature=<HMAC>,
    # signed on their server as for the widget, and its account: &account=<id>, signed with it. A
    # customer id (or an account) without its valid signature is refused.
    customer, signature = request.GET.get("customer"), request.GET.get("signature", "")
    account = request.GET.get("account", "")
    identity = None
    if customer is not None or account:
        external_id = signed_external_id(
            secret=survey.identity_secret, external_id=customer or "", signature=signature, account=account
        )
        if external_id is None:
            title, message = PROBLEM_TEXTS[403]
            return _message(request, status=403, title=title, message=message, locale=locale)
        identity = CustomerIdentity(external_id=external_id, locale=locale, account=account)
    questions = questions_shown(survey_id=survey.id, locale=locale)
    if request.method == "POST":
        form = AnswerForm(request.POST, kind=survey.kind, questions=questions)
        if not form.is_valid():
            return _render_form(request, survey=survey, form=form, locale=locale, status=400)
        try:
            response_submit(
                survey_key=public_key,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
                locale=locale,
                consent_to_contact=form.cleaned_data["consent_to_contact"],
                customer=identity,
                signature=signature if identity else None,
                channel=Response.Channel.LINK,
                client_metadata={"user_agent": request.META.get("HTTP_USER_AGENT", "")[:300]},
                answers=form.answers(),
            )
        except ValidationError as invalid:  # the questions changed since the page was shown
            form.add_answer_errors(invalid)
            return _render_form(request, survey=survey, form=form, locale=locale, status=400)
        return HttpResponseRedirect(reverse("survey-thanks", args=[public_key]))
    return _render_form(request, survey=survey, form=AnswerForm(kind=survey.kind, questions=questions), locale=locale)


@require_http_methods(["GET", "HEAD"])
@throttled(PublicPageThrottle)
def survey_thanks(request, key: str):
    locale = _client_locale(request) or "en"
    if len(key) >= TOKEN_MIN_LENGTH:
        try:
            invitation = invitations.invitation_get(token=key)
            locale = invitation.locale or invitation.customer.locale or invitation.survey.default_locale
        except invitations.InvitationProblem as problem:
            return _problem_page(request, problem, locale)
    return _message(
        request,
        status=200,
        title=gettext_lazy("Thank you!"),
        message=gettext_lazy("Your answer was recorded. We read every comment."),
        locale=locale,
    )


@csrf_exempt  # mail clients POST the one-click unsubscribe without a form (RFC 8058); it only ever unsubscribes
@require_http_methods(["GET", "HEAD", "POST"])
@throttled(PublicPageThrottle)
def unsubscribe(request, token: str):
    """One click unsubscribes (GET from the email link, POST from mail clients per RFC 8058)."""
    locale = _client_locale(request) or "en"
    try:
        customer = invitations.customer_unsubscribe(token=token)
    except invitations.InvitationProblem as problem:
        return _problem_page(request, problem, locale)
    return _message(
        request,
        status=200,
        title=gettext_lazy("Unsubscribed"),
        message=gettext_lazy("You will not receive survey emails from us any more."),
        locale=customer.locale or locale,
    )


@require_http_methods(["GET", "HEAD"])
def widget_demo(request):
    """A stand-in for a customer's product page that embeds the widget (CX_DEMO_PAGES=true only).

    Like a real host, it signs the customer id and the customer's account on the server side and
    hands the signature to the script tag (`?account=` names another account).
    """
    if not settings.CX_DEMO_PAGES:
        raise Http404("Demo pages are off.")
    survey = selectors.survey_for_widget_demo(public_key=request.GET.get("survey", "")[:64] or None)
    if survey is None:
        raise Http404("No survey with widget origins; run seed_demo or add origins in the admin.")
    customer = request.GET.get("customer", "demo-0001")[:128]
    account = request.GET.get("account", "")[:200] or selectors.widget_demo_account(external_id=customer)
    locale = request.GET.get("locale", "zh-CN")[:35]
    touchpoint = request.GET.get("touchpoint", "")[:64]
    ref = selectors.survey_get_active(public_key=survey.public_key)
    new_visitor = selectors.widget_demo_new_visitor(survey=ref, touchpoint_key=touchpoint or None) if ref else ""
    query = {"survey": survey.public_key, "customer": new_visitor, "locale": locale, "touchpoint": touchpoint}
    context = {
        "survey": survey,
        "customer": customer,
        "account": account,
        "signature": identity_signature(secret=survey.identity_secret, external_id=customer, account=account),
        "locale": locale,
        "touchpoint": touchpoint,
        "new_visitor_url": "?" + urlencode({name: value for name, value in query.items() if value}),
    }
    return render(request, "surveys/widget_demo.html", context)
