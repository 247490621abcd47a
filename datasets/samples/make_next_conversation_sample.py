"""Write next-conversation-sample.twarc2.jsonl: a SYNTHETIC twarc2 file.

Every account, id and text here is invented. It imitates the shape of a
twarc2 search (raw API v2 pages, one per line) for a day of takeovers of an
account under #SolvingTogether, so that `threadlens import` has bundled data
to run on. Deterministic: running it again writes the same bytes.
"""
import json

HOST = ("1000", "HorizonsDemo", "Horizons (demo)")
PEOPLE = [
    ("2001", "lived_exp_lee", "Lee (lived experience partner)"),
    ("2002", "qi_nurse_sam", "Sam, QI nurse"),
    ("2003", "ward_manager_jo", "Jo"),
    ("2004", "ics_analyst_ari", "Ari - analyst"),
    ("2005", "gp_practice_pat", "Pat"),
]
SPEAKERS = [("3001", "speaker_amina", "Amina (09:00 takeover)"), ("3002", "speaker_tom", "Tom (11:00 takeover)")]
USERS = [HOST] + PEOPLE + SPEAKERS
BASE_ID = 1541700000000000000
RETRIEVED = "2022-06-29T07:00:00+00:00"

THREADS = [
    ("3001", "09:05", "Good morning! I'm taking over today to talk about #coproduction: how do you involve people with lived experience from day one? #SolvingTogether", [
        ("2001", "09:12", "Involve us before the problem is even defined - co-design means sharing power, not consulting at the end #SolvingTogether"),
        ("2002", "09:20", "We pay lived experience partners for their time now. It changed who turns up."),
        ("3001", "09:31", "@qi_nurse_sam Paying partners is such an important point &amp; often missed"),
    ]),
    ("3001", "09:40", "Second question: what makes a conversation feel safe enough to be honest? #SolvingTogether", [
        ("2003", "09:52", "Psychological safety starts with leaders admitting what they got wrong. Candour is modelled, not mandated."),
        ("2004", "10:05", "Honest conversations need time. Our huddles went from 5 to 15 minutes and we learn so much more"),
    ]),
    ("3002", "11:02", "Hello from Tom! Let's talk about candour and the duty of candour when care goes wrong #DutyOfCandour #SolvingTogether", [
        ("2005", "11:15", "Saying sorry early and meaning it - families tell us that's what matters most #candour"),
        ("2001", "11:30", "As a patient I want openness, not a leaflet. Be honest with us"),
        ("2002", "13:45", "Late to this thread but: our candour training now includes patients as co-facilitators #coproduction"),
    ]),
]


def tweet(tid, author, hhmm, text, conversation, parent=None, parent_author=None):
    t = {
        "id": str(tid),
        "text": text,
        "created_at": f"2022-06-28T{hhmm}:00.000Z",
        "author_id": author,
        "conversation_id": str(conversation),
        "lang": "en",
        "public_metrics": {"retweet_count": 0, "reply_count": 0, "like_count": 0, "quote_count": 0},
        "entities": {"hashtags": [{"tag": w.strip("#.,:!?")} for w in text.split() if w.startswith("#")]},
    }
    if parent is not None:
        t["referenced_tweets"] = [{"type": "replied_to", "id": str(parent)}]
        t["in_reply_to_user_id"] = parent_author
    return t


def main():
    data, next_id = [], BASE_ID
    for author, hhmm, text, replies in THREADS:
        next_id += 1
        root = tweet(next_id, author, hhmm, text, next_id)
        root["public_metrics"].update(reply_count=len(replies), like_count=3 * len(replies), retweet_count=2)
        data.append(root)
        parent, parent_author = next_id, author
        for r_author, r_hhmm, r_text in replies:
            next_id += 1
            data.append(tweet(next_id, r_author, r_hhmm, r_text, root["id"], parent, parent_author))
    # One retweet of the first root, as a search would return it.
    next_id += 1
    rt = tweet(next_id, "2004", "09:07", "RT @speaker_amina: " + data[0]["text"][:100], next_id)
    rt["referenced_tweets"] = [{"type": "retweeted", "id": data[0]["id"]}]
    data.append(rt)
    data.sort(key=lambda t: t["created_at"], reverse=True)
    users = [{"id": i, "username": u, "name": n, "public_metrics": {"followers_count": 100 + int(i) % 97}} for i, u, n in USERS]
    pages = [data[: len(data) // 2], data[len(data) // 2 :]]
    with open("next-conversation-sample.twarc2.jsonl", "w", encoding="utf-8") as out:
        for page in pages:
            body = {
                "data": page,
                "includes": {"users": users},
                "meta": {"result_count": len(page), "newest_id": page[0]["id"], "oldest_id": page[-1]["id"]},
                "__twarc": {"url": "https://api.twitter.com/2/tweets/search/recent?query=%23SolvingTogether", "version": "2.14.0", "retrieved_at": RETRIEVED},
            }
            out.write(json.dumps(body, ensure_ascii=False, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
