window.YTD.account.part0 = [
  {
    "account" : {
      "email" : "someone@example.org",
      "createdVia" : "web",
      "username" : "LeighKendall",
      "accountId" : "999",
      "createdAt" : "2010-01-01T00:00:00.000Z",
      "accountDisplayName" : "Leigh"
    }
  }
]
