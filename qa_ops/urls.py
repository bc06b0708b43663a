app_name = "qa_ops"
urlpatterns: list = []
