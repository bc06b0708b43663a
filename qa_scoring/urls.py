app_name = "qa_scoring"
urlpatterns: list = []
