"""What a send is made of, each checked before any request: the phone number (``phone``), the
template variables (``template_param``), the endpoint (``endpoint``) and the country allow-list
(``countries``)."""
