-- The enquiry form's POST, as many different people sending it once each: every request
-- a new name, address and submission token, with the CSRF token, cookie and time-trap stamp
-- of one form shown earlier (bench/run.py fills in the values in braces).
-- Each round starts where the last one ended ({first}), so no two requests share a token.
local sent = {first}

request = function()
  sent = sent + 1
  local body = "{fields}"
    .. "&name=Bench+Learner+" .. sent
    .. "&email=learner" .. sent .. "%40bench.example"
    .. string.format("&submission_token=00000000-0000-4000-8000-%012d", sent)
  return wrk.format("POST", "{path}", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "csrftoken={csrf}",
    ["Accept-Encoding"] = "gzip, deflate, br",
  }, body)
end
