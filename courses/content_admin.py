"""Admin for course content: modes, inclusions, question levels, FAQs and articles.

The inlines here are attached to CourseAdmin (courses/admin.py), so a course's curriculum,
interview questions and FAQs are edited on its own page, in order by an editable number.
"""

from django.contrib import admin

from .models import (
    FAQ,
    Article,
    CurriculumModule,
    Inclusion,
    InterviewQuestion,
    QuestionLevel,
    TrainingMode,
)

MARKDOWN_HELP = "Markdown: **bold**, *italic*, lists with -, `code`, [links](https://…)."


class CurriculumModuleInline(admin.TabularInline):
    model = CurriculumModule
    fields = ["order", "title", "summary"]
    extra = 0


class InterviewQuestionInline(admin.StackedInline):
    model = InterviewQuestion
    fields = [("order", "level"), "question", "answer"]
    extra = 0
    autocomplete_fields = ["level"]


class CourseFAQInline(admin.StackedInline):
    model = FAQ
    fields = ["order", "question", "answer"]
    extra = 0
    verbose_name = "FAQ about this course"
    verbose_name_plural = "FAQs about this course (general FAQs are under FAQs)"


CONTENT_INLINES = [CurriculumModuleInline, InterviewQuestionInline, CourseFAQInline]


@admin.register(TrainingMode, Inclusion)
class OfferingAdmin(admin.ModelAdmin):
    list_display = ["name", "description", "order"]
    list_editable = ["order"]
    search_fields = ["name"]


@admin.register(QuestionLevel)
class QuestionLevelAdmin(admin.ModelAdmin):
    list_display = ["name", "order"]
    list_editable = ["order"]
    search_fields = ["name"]


@admin.register(FAQ)
class FAQAdmin(admin.ModelAdmin):
    list_display = ["question", "course", "order"]
    list_editable = ["order"]
    list_filter = [("course", admin.EmptyFieldListFilter), "course"]
    list_select_related = ["course"]
    search_fields = ["question", "answer"]
    autocomplete_fields = ["course"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "answer" and field is not None:
            field.help_text = MARKDOWN_HELP
        return field


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "is_published", "published_on", "updated_at"]
    list_filter = ["is_published", "courses"]
    search_fields = ["title", "summary", "body"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["courses"]
    date_hierarchy = "published_on"
    readonly_fields = ["updated_at"]
