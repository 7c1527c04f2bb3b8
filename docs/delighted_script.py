"""A script written for Delighted's client; the only change is api_base_url."""

import sys
import time

import delighted

delighted.api_key = sys.argv[1]
delighted.api_base_url = sys.argv[2]  # was https://api.delightedapp.com/v1/

# at each touchpoint, as before
ann = delighted.Person.create(
    email="ann@example.com", name="Ann", delay=3600, properties={"locale": "zh-TW", "plan": "Pro"}
)
print("Person.create:", ann.id, ann["survey_scheduled_at"] is not None, ann["contact_policy"])
print("again, same day:", delighted.Person.create(email="ann@example.com")["contact_policy"])
print("delete_pending:", delighted.SurveyRequest.delete_pending(person_email="ann@example.com"))

# answers and figures
bob = delighted.Person.create(email="bob@example.com", name="Bob", send=False)
for person, score in ((ann, 10), (bob, 6)):
    delighted.SurveyResponse.create(person=person.id, score=score, comment="Set-up took a week")
answer = delighted.SurveyResponse.all(expand=["person"], order="desc", per_page=1)[0]
print("latest answer:", answer.person.email, answer.score, answer.survey_type)
answer.comment = "Set-up took a week; support fixed it"
print("saved:", answer.save().comment)
print("metrics:", dict(delighted.Metrics.retrieve()))
print("people:", [p.email for p in delighted.Person.list(per_page=1).auto_paging_iter()])
print("unsubscribe:", delighted.Unsubscribe.create(person_email="bob@example.com"), len(delighted.Unsubscribe.all()))
print("bounces:", delighted.Bounce.all())
print("delete:", delighted.Person.delete(email="bob@example.com"))

# how long Person.create takes, one touchpoint after another
times = []
for n in range(200):
    start = time.perf_counter()
    delighted.Person.create(email=f"load{n}@example.com", name=f"Load {n}")
    times.append(time.perf_counter() - start)
times.sort()
print(f"Person.create x200: median {1000 * times[100]:.1f} ms, p95 {1000 * times[190]:.1f} ms")
