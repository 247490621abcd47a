window.YTD.tweets.part0 = [
  {
    "tweet" : {
      "edit_info" : { "initial" : { "editTweetIds" : [ "1550000000000000001" ] } },
      "retweeted" : false,
      "entities" : {
        "hashtags" : [ { "text" : "NHSCandour", "indices" : [ "20", "31" ] } ],
        "symbols" : [ ],
        "user_mentions" : [ { "name" : "Horizons", "screen_name" : "HorizonsNHS", "indices" : [ "0", "12" ], "id_str" : "222", "id" : "222" } ],
        "urls" : [ { "url" : "https://t.co/x", "expanded_url" : "https://example.org/candour", "display_url" : "example.org/candour", "indices" : [ "32", "55" ] } ]
      },
      "display_text_range" : [ "0", "55" ],
      "favorite_count" : "12",
      "in_reply_to_status_id_str" : "1549999999999999999",
      "id_str" : "1550000000000000001",
      "in_reply_to_user_id" : "222",
      "truncated" : false,
      "retweet_count" : "3",
      "id" : "1550000000000000001",
      "in_reply_to_status_id" : "1549999999999999999",
      "created_at" : "Tue Jun 28 09:30:00 +0000 2022",
      "favorited" : false,
      "full_text" : "@HorizonsNHS Yes to #NHSCandour &amp; more https://t.co/x",
      "lang" : "en",
      "in_reply_to_screen_name" : "HorizonsNHS",
      "in_reply_to_user_id_str" : "222"
    }
  },
  {
    "tweet" : {
      "id_str" : "1550000000000000002",
      "id" : "1550000000000000002",
      "created_at" : "Tue Jun 28 10:00:00 +0000 2022",
      "full_text" : "RT @HorizonsNHS: Welcome to #SolvingTogether",
      "favorite_count" : "0",
      "retweet_count" : "5",
      "entities" : { "hashtags" : [ { "text" : "SolvingTogether", "indices" : [ "28", "44" ] } ], "user_mentions" : [ ], "urls" : [ ] },
      "lang" : "en"
    }
  },
  {
    "tweet" : {
      "id_str" : "1550000000000000003",
      "full_text" : "no date on this one",
      "lang" : "en"
    }
  }
]
