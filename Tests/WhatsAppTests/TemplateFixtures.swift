/// A page of `GET /{waba-id}/message_templates` in Meta's shape, with fields Herald ignores.
let templateListPage = #"""
    {"data":[
      {"name":"spring_sale","parameter_format":"POSITIONAL","components":[
         {"type":"HEADER","format":"IMAGE","example":{"header_handle":["https://scontent.whatsapp.net/h1"]}},
         {"type":"BODY","text":"Hi {{1}}, our spring sale ends {{2}}. {{1}}, don't miss it!","example":{"body_text":[["Jess","Friday"]]}},
         {"type":"FOOTER","text":"Reply STOP to opt out"},
         {"type":"BUTTONS","buttons":[
            {"type":"URL","text":"Shop now","url":"https://shop.example/r/{{1}}","example":["https://shop.example/r/abc"]},
            {"type":"QUICK_REPLY","text":"Stop promotions"},
            {"type":"PHONE_NUMBER","text":"Call us","phone_number":"+15550783881"}]}],
       "language":"en_US","status":"APPROVED","category":"MARKETING","sub_category":"CUSTOM","id":"1689556908129832",
       "quality_score":{"score":"GREEN","date":1750000000},"rejected_reason":"NONE"},
      {"name":"order_ready","parameter_format":"NAMED","components":[
         {"type":"HEADER","format":"TEXT","text":"Order {{order_id}}","example":{"header_text_named_params":[{"param_name":"order_id","example":"1042"}]}},
         {"type":"BODY","text":"Hello {{first_name}}, order {{order_id}} is ready.",
          "example":{"body_text_named_params":[{"param_name":"first_name","example":"Ana"},{"param_name":"order_id","example":"1042"}]}},
         {"type":"BUTTONS","buttons":[{"type":"COPY_CODE","text":"Copy offer code","example":"SAVE10"}]}],
       "language":"pt_BR","status":"PAUSED","category":"UTILITY","id":"806312974732579"},
      {"name":"login_code","components":[
         {"type":"BODY","add_security_recommendation":true},
         {"type":"FOOTER","code_expiration_minutes":10},
         {"type":"BUTTONS","buttons":[{"type":"OTP","otp_type":"COPY_CODE","text":"Copy code"}]}],
       "language":"en","status":"REJECTED","category":"AUTHENTICATION","id":"111"}],
     "paging":{"cursors":{"before":"QVFIUmx","after":"QVFIUk9+/="},"next":"https://graph.facebook.com/v21.0/102290129340398/message_templates?limit=100&after=QVFIUk9"}}
    """#
